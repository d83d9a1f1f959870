"""The monthly report "zonder startkwalificatie / zonder schoolbestemming": made once per gemeente per month by the
daily task, its pupils and files (no BSN), its removal three months after the peildatum, and the screen Rapportages.

Time is frozen with time-machine: December 2026 lies in school year 2026-2027.
"""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Organisation
from audit.models import Action, AuditEntry
from monitor.models import MonthlyReport
from monitor.reports import make_report, report_rows, school_years
from monitor.tasks import make_monthly_reports
from students.aanmeldingen import add_aanmelding, record_elders
from students.bsn import decrypt
from students.models import Status
from tests.conftest import bsn_like_numbers, login_as
from tests.factories import OpleidingFactory, PupilFactory

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
DEN_HAAG, DELFT = "2517 AB", "2611 CD"
DEC_1 = datetime.date(2026, 12, 1)


def at(year, month, day, hour=4, minute=15):
    return time_machine.travel(datetime.datetime(year, month, day, hour, minute, tzinfo=AMS), tick=False)


@pytest.fixture
def gemeenten(demo) -> dict[str, Organisation]:
    return {o.code: o for o in Organisation.objects.filter(kind="gemeente")}


@pytest.fixture
def region(demo):
    """Pupils of both schools in every situation, living in Den Haag, one in Delft, and one of last school year."""
    vo1, vo2 = (Organisation.objects.get(code=c) for c in ("00AA", "00BB"))
    with at(2026, 11, 20, 12):
        pupils = {
            "both": PupilFactory(school=vo1, achternaam="Aarts", diploma=False, postcode=DEN_HAAG),
            "intake": PupilFactory(school=vo2, achternaam="Bakker", postcode=DEN_HAAG),
            "definitief": PupilFactory(school=vo1, achternaam="Evers", diploma=True, postcode=DEN_HAAG),
            "elders": PupilFactory(school=vo1, achternaam="Fransen", diploma=False, postcode=DEN_HAAG),
            "delft": PupilFactory(school=vo1, achternaam="Delftenaar", postcode=DELFT),
            "former": PupilFactory(school=vo1, achternaam="Oudenaar", postcode=DEN_HAAG, school_year=2025),
        }
        add_aanmelding(pupil=pupils["intake"], opleiding=OpleidingFactory(name="Kok"), status=Status.INTAKE)
        add_aanmelding(pupil=pupils["definitief"], opleiding=OpleidingFactory(), status=Status.DEFINITIEF)
        record_elders(pupil=pupils["elders"], kind="werk", date=datetime.date(2026, 11, 1))
    return pupils


def bsns(pupils) -> list[str]:
    return [decrypt(p.bsn_encrypted) for p in pupils.values()]


# --- the task ---------------------------------------------------------------------------------------------------
def test_the_task_makes_one_report_per_gemeente_per_month_and_never_twice(gemeenten, region, eager):
    with at(2026, 12, 1):
        assert make_monthly_reports.delay().get() == 2
        assert make_monthly_reports.delay().get() == 0  # the same morning again
    with at(2026, 12, 15):
        assert make_monthly_reports.delay().get() == 0  # later in the month: it exists
    assert sorted(MonthlyReport.objects.values_list("gemeente__code", "peildatum")) == [
        ("GM0503", DEC_1),
        ("GM0518", DEC_1),
    ]
    with at(2027, 1, 1):
        assert make_monthly_reports.delay().get() == 2
    assert MonthlyReport.objects.filter(peildatum=datetime.date(2027, 1, 1)).count() == 2


def test_a_missed_first_of_the_month_is_caught_up(gemeenten, region, eager):
    with at(2026, 12, 3):  # the worker was down on the 1st and the 2nd
        assert make_monthly_reports.delay().get() == 2
    assert set(MonthlyReport.objects.values_list("peildatum", flat=True)) == {DEC_1}


def test_a_report_already_there_is_not_made_again(gemeenten, region):
    with at(2026, 12, 1):
        first = make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1)
        assert make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1) is None
    assert list(MonthlyReport.objects.all()) == [first]
    with pytest.raises(ValueError):
        make_report(gemeente=gemeenten["GM0518"], peildatum=datetime.date(2026, 12, 2))


def test_the_beat_runs_the_task_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["make-monthly-reports"]
    assert entry["task"] == "monitor.tasks.make_monthly_reports"
    assert entry["schedule"].hour == {4} and entry["schedule"].minute == {15}


# --- what a report holds ----------------------------------------------------------------------------------------
def test_a_report_lists_exactly_the_gemeentes_pupils_who_match(gemeenten, region):
    with at(2026, 12, 1):
        rows = report_rows(gemeenten["GM0518"].pk, DEC_1)
        delft = report_rows(gemeenten["GM0503"].pk, DEC_1)
    assert [(r.pupil.achternaam, r.geen_diploma, r.zonder_bestemming) for r in rows] == [
        ("Aarts", True, True),
        ("Bakker", False, True),
        ("Fransen", True, False),  # Elders: a destination, but no vmbo-diploma
    ]
    assert [r.pupil.achternaam for r in delft] == ["Delftenaar"]
    bakker = rows[1]
    assert bakker.destination == "1 aanmelding loopt, nog geen besluit"
    assert bakker.last_status.startswith("Intakegesprek (Kok, ")


def test_from_august_to_october_last_years_leavers_are_on_it_too(gemeenten, region):
    assert school_years(datetime.date(2026, 8, 1)) == [2026, 2025]
    assert school_years(datetime.date(2026, 10, 1)) == [2026, 2025]
    assert school_years(datetime.date(2026, 11, 1)) == [2026]
    assert school_years(datetime.date(2027, 7, 1)) == [2026]
    with at(2026, 12, 1):
        october = [r.pupil.achternaam for r in report_rows(gemeenten["GM0518"].pk, datetime.date(2026, 10, 1))]
        november = [r.pupil.achternaam for r in report_rows(gemeenten["GM0518"].pk, datetime.date(2026, 11, 1))]
    assert october == ["Aarts", "Bakker", "Fransen", "Oudenaar"]  # this year's first, then last year's
    assert november == ["Aarts", "Bakker", "Fransen"]


def test_the_excel_file_names_gemeente_peildatum_and_definitions_and_holds_no_bsn(gemeenten, region):
    with at(2026, 12, 1):
        report = make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1)
    assert (report.zonder_startkwalificatie, report.zonder_bestemming) == (2, 2)
    assert sorted(pk for pk, _school in report.pupils_in_file) == sorted(
        region[k].pk for k in ("both", "intake", "elders")
    )
    with report.excel.open("rb") as f:
        rows = list(load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True))
    text = str(rows)
    assert "Gemeente Den Haag" in rows[0][0]
    assert "Peildatum 01-12-2026" in rows[1][0] and "schooljaar 2026-2027" in rows[1][0]
    assert rows[2][0].startswith("Zonder startkwalificatie:") and rows[3][0].startswith("Zonder schoolbestemming:")
    header = rows[6]
    assert header[:3] == ("Achternaam", "Tussenvoegsel", "Voornaam") and not any("BSN" in str(c) for c in header)
    assert [r[0] for r in rows[7:]] == ["Aarts", "Bakker", "Fransen"]
    assert "Delftenaar" not in text and "Evers" not in text
    assert not any(bsn in text for bsn in bsns(region)) and not bsn_like_numbers(text)


def test_the_pdf_holds_the_same_pupils_and_no_bsn(gemeenten, region):
    with at(2026, 12, 1):
        report = make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1)
    with report.pdf.open("rb") as f:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    assert "Gemeente Den Haag" in text and "01-12-2026" in text and "vmbo-diploma niet heeft behaald" in text
    assert all(name in text for name in ("Aarts", "Bakker", "Fransen"))
    assert "Delftenaar" not in text and "Evers" not in text and "Oudenaar" not in text
    assert not any(bsn in text for bsn in bsns(region)) and not bsn_like_numbers(text)


def test_making_a_report_is_recorded_with_its_pupils(gemeenten, region):
    with at(2026, 12, 1):
        make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1)
    entry = AuditEntry.objects.get(
        action=Action.EXPORT, actor_name="maandrapportage", school_id=region["both"].school_id
    )
    assert f" {region['both'].pk} " in entry.subjects and f" {region['delft'].pk} " not in entry.subjects


# --- removal -----------------------------------------------------------------------------------------------------
def purge(day: datetime.date) -> str:
    out = io.StringIO()
    with at(day.year, day.month, day.day, 3, 30):
        call_command("purge_expired", stdout=out)
    return out.getvalue()


def test_reports_go_with_their_files_three_months_after_their_peildatum(gemeenten, region):
    denhaag = gemeenten["GM0518"]
    with at(2026, 12, 1):
        made = {
            day: make_report(gemeente=denhaag, peildatum=day)
            for day in (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), DEC_1)
        }
    files = {day: (r.excel.name, r.pdf.name) for day, r in made.items()}
    assert all(default_storage.exists(name) for pair in files.values() for name in pair)
    purge(datetime.date(2026, 12, 1))  # 1 September + 92 days is 2 December: only August's is past
    assert sorted(MonthlyReport.objects.values_list("peildatum", flat=True)) == sorted(list(made)[1:])
    output = purge(datetime.date(2026, 12, 2))
    assert any(line.startswith("maandrapportages ") and line.endswith(": 1 verwijderd") for line in output.splitlines())
    assert sorted(MonthlyReport.objects.values_list("peildatum", flat=True)) == [datetime.date(2026, 10, 1), DEC_1]
    for day in (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)):
        assert not any(default_storage.exists(name) for name in files[day])
    for day in (datetime.date(2026, 10, 1), DEC_1):
        assert all(default_storage.exists(name) for name in files[day])


def test_a_pupil_removed_completely_is_taken_out_of_the_files(gemeenten, region, demo):
    from students.privacy import collect, remove_pupil_completely

    with at(2026, 12, 1):
        report = make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1)
        old_excel = report.excel.name
        inzage = dict((s.key, rows) for s, rows in collect(region["both"]))
        assert [r["peildatum"] for r in inzage["maandrapportages"]] == ["2026-12-01"]
        remove_pupil_completely(pupil=region["both"], reason="avg", by=demo["servicedesk"])
    report.refresh_from_db()
    assert not default_storage.exists(old_excel)
    with report.excel.open("rb") as f:
        names = [r[0] for r in list(load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True))[7:]]
    with report.pdf.open("rb") as f:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    assert names == ["Bakker", "Fransen"] and "Aarts" not in text and "Bakker" in text
    assert (report.zonder_startkwalificatie, report.zonder_bestemming, report.pupil_count) == (1, 1, 2)


# --- the screen --------------------------------------------------------------------------------------------------
@pytest.fixture
def reports(gemeenten, region):
    with at(2026, 12, 1):
        return {
            "nov": make_report(gemeente=gemeenten["GM0518"], peildatum=datetime.date(2026, 11, 1)),
            "dec": make_report(gemeente=gemeenten["GM0518"], peildatum=DEC_1),
            "delft": make_report(gemeente=gemeenten["GM0503"], peildatum=DEC_1),
        }


def test_the_gemeente_sees_its_own_reports_newest_first(client, demo, reports):
    login_as(client, demo["gemeente.denhaag"])
    with at(2026, 12, 6, 10):
        response = client.get(reverse("monitor:rapportages"))
    assert response.status_code == 200
    assert [item["report"] for item in response.context["items"]] == [reports["dec"], reports["nov"]]
    page = response.content.decode()
    assert "Op de eerste van elke maand maakt VOROC deze rapportage" in page
    assert "Na drie maanden wordt hij automatisch verwijderd." in page
    assert "wordt verwijderd op 3 maart 2027" in page  # 1 December + 92 days
    assert reverse("monitor:rapportage_excel", args=[reports["dec"].pk]) in page
    assert reverse("monitor:rapportage_pdf", args=[reports["nov"].pk]) in page
    assert reverse("monitor:rapportage_pdf", args=[reports["delft"].pk]) not in page
    visit = AuditEntry.objects.filter(actor_id=demo["gemeente.denhaag"].pk, action=Action.LIST).last()
    assert visit.summary == "maandrapportages" and visit.count == 0


def test_a_download_is_the_stored_file_and_is_recorded_with_its_pupils(client, demo, region, reports):
    login_as(client, demo["gemeente.denhaag"])
    response = client.get(reverse("monitor:rapportage_excel", args=[reports["dec"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="maandrapportage-gemeente-den-haag-2026-12-01.xlsx"')
    with reports["dec"].excel.open("rb") as f:
        assert b"".join(response.streaming_content) == f.read()
    entries = AuditEntry.objects.filter(actor_id=demo["gemeente.denhaag"].pk, action=Action.EXPORT)
    assert any(f" {region['both'].pk} " in e.subjects for e in entries)
    assert all(e.summary.startswith("maandrapportage gedownload") for e in entries)
    pdf = client.get(reverse("monitor:rapportage_pdf", args=[reports["dec"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_another_gemeentes_report_does_not_exist_and_other_roles_may_not(client, demo, reports):
    login_as(client, demo["gemeente.delft"])
    for name in ("monitor:rapportage_excel", "monitor:rapportage_pdf"):
        assert client.get(reverse(name, args=[reports["dec"].pk])).status_code == 404
        assert client.get(reverse(name, args=[reports["delft"].pk])).status_code == 200
    assert [i["report"] for i in client.get(reverse("monitor:rapportages")).context["items"]] == [reports["delft"]]
    for user in ("decaan.vo1", "mentor.vo1", "roc.mbo1", "servicedesk"):
        login_as(client, demo[user])
        assert client.get(reverse("monitor:rapportages")).status_code == 403
        assert client.get(reverse("monitor:rapportage_excel", args=[reports["dec"].pk])).status_code == 403
    client.logout()
    assert client.get(reverse("monitor:rapportages")).status_code == 302


def test_without_reports_the_screen_says_when_the_first_comes(client, demo):
    login_as(client, demo["gemeente.denhaag"])
    response = client.get(reverse("monitor:rapportages"))
    assert response.status_code == 200 and b'data-testid="reports-empty"' in response.content


# --- the demo ----------------------------------------------------------------------------------------------------
def test_the_demo_has_reports_of_two_peildata_for_both_gemeenten(demo, django_capture_on_commit_callbacks, eager):
    with at(2026, 12, 6, 10), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-pupils", stdout=io.StringIO())  # the users only: the reports are empty
    assert not MonthlyReport.objects.exists()  # --no-pupils: no demo data, no reports
    with at(2026, 12, 6, 10), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert sorted(MonthlyReport.objects.values_list("gemeente__code", "peildatum")) == [
        ("GM0503", datetime.date(2026, 11, 1)),
        ("GM0503", DEC_1),
        ("GM0518", datetime.date(2026, 11, 1)),
        ("GM0518", DEC_1),
    ]
    assert MonthlyReport.objects.filter(zonder_bestemming__gt=0).count() == 4
    with at(2026, 12, 6, 11), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    assert MonthlyReport.objects.count() == 4
