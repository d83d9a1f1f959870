"""1 February: schools with pupils that have no complete doorstroomformulier get one melding, linked to exactly
those pupils (the overview's filter on the form)."""

import datetime

import pytest
from django.urls import reverse

from doorstroom.deadline import check_forms_deadline
from doorstroom.services import approve
from notifications.deadlines import check_all
from notifications.models import Deadline, Melding, MeldingKind
from students.aanmeldingen import add_aanmelding
from students.schoolyear import current_school_year
from tests.conftest import login_as
from tests.doorstroom.helpers import complete_form, make_form
from tests.factories import OrganisationFactory, PupilFactory


@pytest.mark.django_db
def test_after_1_february_each_school_hears_how_many_forms_are_missing(
    client, demo, school, group, opleiding1, committed
):
    year = current_school_year()
    PupilFactory(school=school, group=group, achternaam="Niets")
    make_form(PupilFactory(school=school, group=group, achternaam="Half"), answers={"beroepswens": "Kok"})
    complete_form(PupilFactory(school=school, group=group, achternaam="Compleet"))
    corrected = PupilFactory(school=school, group=group, achternaam="Gecorrigeerd")
    add_aanmelding(pupil=corrected, opleiding=opleiding1, source="feed")
    form = complete_form(corrected)
    committed(approve, form=form, by=demo["decaan.vo1"])
    from doorstroom.services import start_correction

    start_correction(form=form, by=demo["decaan.vo1"])  # a correction being made: it was complete once
    complete_form(
        PupilFactory(school=OrganisationFactory(), achternaam="Elders")
    )  # another school, where every form is complete
    PupilFactory(school=school, school_year=year - 1)  # last year's pupil: not counted

    assert Deadline.objects.get(rule="formulieren").date_in(year) == datetime.date(year + 1, 2, 1)
    assert check_forms_deadline(today=datetime.date(year + 1, 2, 1)) == 0  # on the day itself: not late yet
    assert check_forms_deadline(today=datetime.date(year + 1, 2, 2)) == 1
    assert check_forms_deadline(today=datetime.date(year + 1, 2, 3)) == 0  # once
    melding = Melding.objects.get(kind=MeldingKind.DEADLINE)
    assert melding.organisation == school and melding.text == (
        f"Doorstroomformulieren ingevuld (01-02-{year + 1}) is verstreken: 2 leerlingen voldoen er nog niet aan."
    )
    assert melding.link == "/leerlingen/?formulier=onvolledig"
    # The link opens exactly those pupils.
    login_as(client, demo["decaan.vo1"])
    rows = client.get(melding.link).context["rows"]
    assert [r.pupil.achternaam for r in rows] == ["Half", "Niets"]
    # notifications' own deadline check leaves this one to doorstroom.
    Melding.objects.all().delete()
    Deadline.objects.exclude(rule="formulieren").update(active=False)
    assert check_all(today=datetime.date(year + 1, 7, 1)) == 0


@pytest.mark.django_db
def test_the_overview_filters_on_the_form(client, demo, school, group, committed, opleiding1):
    make_form(PupilFactory(school=school, group=group, achternaam="Half"), answers={"beroepswens": "Kok"})
    complete_form(PupilFactory(school=school, group=group, achternaam="Klaar"))
    sent = PupilFactory(school=school, group=group, achternaam="Weg")
    add_aanmelding(pupil=sent, opleiding=opleiding1, source="feed")
    committed(approve, form=complete_form(sent), by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    url = reverse("students:overzicht")

    def names(choice):
        return [r.pupil.achternaam for r in client.get(url, {"formulier": choice}).context["rows"]]

    assert names("onvolledig") == ["Half"] and names("compleet") == ["Klaar"] and names("verzonden") == ["Weg"]
    page = client.get(url, {"formulier": "compleet"}).content.decode()
    assert "doorstroomformulier: compleet, nog niet geaccordeerd" in page
    # The exports hold the same pupils, with the form's state as a column.
    import io

    import openpyxl

    export = client.get(reverse("students:export"), {"formaat": "xlsx", "formulier": "verzonden"})
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    header = next(row for row in rows if row and row[0] == "Achternaam")
    body = rows[rows.index(header) + 1 :]
    assert [r[0] for r in body] == ["Weg"] and body[0][header.index("Doorstroomformulier")] == "verzonden naar het mbo"


@pytest.mark.django_db
def test_the_region_has_the_dates_of_the_haaglanden_procedure():
    """voroc-procedure-haaglanden: the diploma results are in on 14 June, and on 26 June every remaining pupil
    has a definitieve keuze or a destination under Elders (the monitor's calendar reads the same)."""
    from monitor.calendar import YearCalendar

    dates = {d.rule: (d.day, d.month) for d in Deadline.objects.filter(region="Haaglanden")}
    assert dates["diploma"] == (14, 6) and dates["bestemming"] == (26, 6)
    calendar = YearCalendar.for_region("Haaglanden", 2026)
    assert calendar.exams == datetime.date(2027, 6, 14) and calendar.dates["bestemming"] == datetime.date(2027, 6, 26)
