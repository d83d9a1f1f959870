"""The mbo catalogue: maintained in admin and by import; the servicedesk starts a school year in admin."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from students.models import Opleiding, SchoolYearStart
from students.schoolyear import current_school_year
from tests.factories import MboSchoolFactory, OrganisationFactory

CSV = f"""crebo;opleiding;niveau;leerweg;locatie
25655;Verpleegkundige;4;BOL;Zorgcampus
25655;Verpleegkundige;4;BBL;Zorgcampus
2565;Te kort;4;BOL;
25180;Kok;5;BOL;
25181;Zelfstandig werkend kok;3;DUAAL;
25604;Software developer;4;bol;Campus ICT
25606;Onzichtbaar\x00;4;BOL;
25607;Lange locatie;4;BOL;{"x" * 151}
"""


@pytest.mark.django_db
def test_import_opleidingen_reports_bad_rows_and_keeps_the_good_ones(tmp_path):
    school = MboSchoolFactory(code="25XX")
    path = tmp_path / "opleidingen.csv"
    path.write_bytes(("\ufeff" + CSV).encode())
    out = io.StringIO()
    call_command("import_opleidingen", str(path), "--mbo", "25xx", stdout=out)
    report = out.getvalue()
    assert report.startswith("3 nieuw, 0 bijgewerkt, 0 ongewijzigd, 5 afgewezen")
    assert "regel 4: crebo: Een crebocode bestaat uit 5 cijfers" in report
    assert "regel 5: niveau moet 1, 2, 3 of 4 zijn, niet “5”" in report
    assert "regel 6: leerweg moet BOL of BBL zijn, niet “DUAAL”" in report
    assert "regel 8: bevat een onzichtbaar NUL-teken" in report and "regel 9: locatie is langer dan 150" in report
    assert set(Opleiding.objects.filter(school=school).values_list("crebo", "leerweg")) == {
        ("25655", "BOL"),
        ("25655", "BBL"),
        ("25604", "BOL"),
    }
    assert Opleiding.objects.get(crebo="25604").locations.get().name == "Campus ICT"
    # Importing again changes nothing; a new name updates, never duplicates.
    path.write_text(CSV.replace("Software developer", "Software developer (AI)"))
    out = io.StringIO()
    call_command("import_opleidingen", str(path), "--mbo", "25XX", stdout=out)
    assert out.getvalue().startswith("0 nieuw, 1 bijgewerkt, 2 ongewijzigd, 5 afgewezen")
    assert Opleiding.objects.count() == 3


@pytest.mark.django_db
def test_import_refuses_a_vo_school_and_a_file_without_the_columns(tmp_path):
    OrganisationFactory(code="00ZV")
    path = tmp_path / "x.csv"
    path.write_text("naam;code\nX;1\n")
    with pytest.raises(CommandError, match="Geen mbo-school"):
        call_command("import_opleidingen", str(path), "--mbo", "00ZV", stdout=io.StringIO())
    MboSchoolFactory(code="25XY")
    with pytest.raises(CommandError, match="In de kopregel ontbreekt: crebo, opleiding, niveau, leerweg"):
        call_command("import_opleidingen", str(path), "--mbo", "25XY", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_servicedesk_maintains_opleidingen_and_starts_a_school_year_in_admin(servicedesk_client):
    school = MboSchoolFactory()
    response = servicedesk_client.post(
        reverse("admin:students_opleiding_add"),
        {
            "school": school.pk,
            "crebo": "25655",
            "name": "Verpleegkundige",
            "niveau": 4,
            "leerweg": "BOL",
            "active": "on",
        },
    )
    assert response.status_code == 302 and Opleiding.objects.get().name == "Verpleegkundige"
    year = current_school_year()
    skipped = servicedesk_client.post(reverse("admin:students_schoolyearstart_add"), {"year": year + 2})
    assert "één voor één" in skipped.content.decode() and not SchoolYearStart.objects.exists()
    started = servicedesk_client.post(reverse("admin:students_schoolyearstart_add"), {"year": year + 1}, follow=True)
    assert "is gestart" in started.content.decode()
    assert current_school_year() == year + 1
