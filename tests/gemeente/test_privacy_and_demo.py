"""What the gemeente's side keeps: in the pupil's inzage, gone with the pupil, purged after its period; and the demo."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gemeente.models import Case, CaseKind, CaseStatus, Contact, Remark
from gemeente.services import add_contact, add_remark, report_overstap, set_status
from students.models import Pupil
from tests.conftest import login_as

pytestmark = pytest.mark.django_db


def test_the_inzage_holds_remarks_and_reports_and_removal_takes_them(client, demo, resident):
    pupil = resident()
    add_remark(pupil=pupil, by=demo["gemeente.denhaag"], text="Gesprek gepland.")
    case = report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig.")
    add_contact(case=case, by=demo["gemeente.denhaag"], date=timezone.localdate(), kind="brief", note="Brief gestuurd.")
    login_as(client, demo["servicedesk"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("admin:students_pupil_inzage", args=[pupil.pk])).content))
    data = json.loads(archive.read("inzage.json"))
    assert [r["opmerking"] for r in data["gemeente_opmerkingen"]] == ["Gesprek gepland."]
    [report] = data["gemeente_meldingen"]
    assert report["toelichting"] == "Hulp nodig." and "Brief gestuurd." in report["contactmomenten"]
    client.post(reverse("admin:students_pupil_remove", args=[pupil.pk]), {"confirm": str(pupil.pk)})
    assert not Pupil.objects.filter(pk=pupil.pk).exists()
    assert not Remark.objects.exists() and not Case.objects.exists() and not Contact.objects.exists()


def test_remarks_and_closed_reports_are_purged_after_two_years(demo, resident):
    pupil = resident()
    start = datetime.datetime(2025, 1, 10, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        add_remark(pupil=pupil, by=demo["gemeente.denhaag"], text="Oud.")
        closed = report_overstap(pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap.")
        set_status(case=closed, by=demo["gemeente.denhaag"], status=CaseStatus.AFGESLOTEN, outcome="werk")
    with time_machine.travel(start + datetime.timedelta(days=729), tick=False):
        fresh = report_overstap(
            pupil=pupil, by=demo["decaan.vo1"], remark="Hulp nodig bij de overstap."
        )  # still open: kept
        call_command("purge_expired", stdout=io.StringIO())
    assert Remark.objects.count() == 1 and Case.objects.count() == 2
    with time_machine.travel(start + datetime.timedelta(days=731), tick=False):
        call_command("purge_expired", stdout=io.StringIO())
    assert not Remark.objects.exists()
    assert list(Case.objects.all()) == [fresh]


def test_the_demo_has_residents_of_both_gemeenten_at_both_schools_and_reports_in_every_status(demo_pupils):
    from gemeente.listing import ResidentListing

    for username in ("gemeente.denhaag", "gemeente.delft"):
        schools = {p.school.code for p in ResidentListing(user=demo_pupils[username], params={}).pupils()}
        assert schools == {"00AA", "00BB"}, username
    cases = Case.objects.all()
    assert {c.status for c in cases.filter(kind=CaseKind.OVERSTAP)} == set(CaseStatus.values)
    assert {c.status for c in cases.filter(kind=CaseKind.RISICO)} == set(CaseStatus.values)
    assert {c.gemeente.code for c in cases} == {"GM0518", "GM0503"}
    assert Contact.objects.exists() and Remark.objects.filter(gemeente__code="GM0503").exists()
    # Every report is about a pupil who lives in the gemeente it went to.
    for case in cases:
        assert case.gemeente.postcodes.filter(postcode=case.pupil.postcode[:4]).exists()
    # Idempotent: a second run adds nothing.
    before = (Case.objects.count(), Remark.objects.count(), Contact.objects.count())
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert (Case.objects.count(), Remark.objects.count(), Contact.objects.count()) == before


def test_the_demo_lets_the_mbo_school_report_niet_verschenen(client, demo_pupils):
    from students.models import Status
    from students.schoolyear import current_school_year

    roc = demo_pupils["roc.mbo1"]
    login_as(client, roc)
    page = client.get(reverse("students:aanmeldingen") + "?jaar=vorig").content.decode()
    former = Pupil.objects.filter(school_year=current_school_year() - 1, aanmeldingen__status=Status.DEFINITIEF)
    assert former.count() >= 3 and 'data-testid="not-arrived"' in page
    assert Case.objects.filter(kind=CaseKind.NIET_VERSCHENEN, aanmelding__mbo_school=roc.organisation).exists()
    assert "Vorig schooljaar" in client.get(reverse("students:aanmeldingen")).content.decode()
