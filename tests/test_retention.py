"""Retention periods: purge_expired removes exactly what is past its period (time frozen with time-machine)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from audit.models import Action, AuditEntry, PupilKey
from audit.services import details_of, record_change
from notifications.models import Melding, MeldingKind, OutgoingMail
from notifications.services import notify
from students.aanmeldingen import add_aanmelding
from students.models import Aanmelding, Pupil
from tests.factories import OpleidingFactory, OrganisationFactory, PupilFactory

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=AMS)  # school year 2026-2027


def at(year, month, day):
    return time_machine.travel(datetime.datetime(year, month, day, 12, 0, tzinfo=AMS), tick=False)


def purge(*args) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def line(output: str, key: str) -> str:
    return next(row for row in output.splitlines() if row.startswith(key + " "))


@pytest.fixture
def data(settings):
    school = OrganisationFactory()
    with at(2023, 9, 1):
        # School year 2022: out of view since 1 August 2024, so past two years since 1 August 2026.
        gone = PupilFactory(school=school, school_year=2022, voornaam="Oud")
        add_aanmelding(pupil=gone, opleiding=OpleidingFactory())
        record_change(gone, changes={"woonplaats": ("Delft", "Den Haag")})
        notify(organisation=school, kind=MeldingKind.STATUS, text="over oud", pupil=gone)
        # School year 2023: out of view since 1 August 2025, kept until 1 August 2027.
        kept = PupilFactory(school=school, school_year=2023, voornaam="Blijft")
    with at(2021, 12, 1):
        old_entry = record_change(kept, changes={"voornaam": ("A", "Blijft")})  # older than five years
    with at(2025, 11, 1):
        old_melding = notify(organisation=school, kind=MeldingKind.SYSTEEM, text="meer dan een jaar oud")
        OutgoingMail.objects.create(subject="oud", to="x@example.com")
    with at(2026, 6, 1):
        new_melding = notify(organisation=school, kind=MeldingKind.SYSTEEM, text="een half jaar oud")
    with at(2026, 10, 1):
        OutgoingMail.objects.create(subject="nieuwer", to="y@example.com")
    return {"gone": gone, "kept": kept, "old_entry": old_entry, "old_melding": old_melding, "new_melding": new_melding}


def test_a_dry_run_counts_and_removes_nothing(data):
    before = (Pupil.objects.count(), Melding.objects.count(), AuditEntry.objects.count())
    output = purge("--dry-run")
    assert "Proefdraai" in output
    assert line(output, "pupils").endswith(": 1 te verwijderen")
    assert line(output, "meldingen").endswith(": 2 te verwijderen")  # the one of 2023 and the one of 2025
    assert line(output, "audit").endswith(": 1 te verwijderen")
    assert line(output, "outgoing_mail").endswith(": 1 te verwijderen")
    assert (Pupil.objects.count(), Melding.objects.count(), AuditEntry.objects.count()) == before


def test_purge_removes_exactly_what_is_past_its_period(data):
    gone, kept = data["gone"], data["kept"]
    output = purge()
    assert line(output, "pupils").endswith(": 1 verwijderd")
    assert list(Pupil.objects.all()) == [kept]
    assert not Aanmelding.objects.filter(pupil_id=gone.pk).exists()
    # Meldingen: the two older than a year went by their period (and with the removed pupil).
    assert list(Melding.objects.values_list("text", flat=True)) == ["een half jaar oud"]
    assert list(OutgoingMail.objects.values_list("subject", flat=True)) == ["nieuwer"]
    # The audit log: the entry older than five years is gone; the removed pupil's entries stay, unreadable.
    assert not AuditEntry.objects.filter(pk=data["old_entry"].pk).exists()
    traces = list(AuditEntry.objects.filter(pupil_id=gone.pk).order_by("pk"))
    assert [e.action for e in traces][-1] == Action.DELETE and "bewaartermijn" in traces[-1].summary
    assert not PupilKey.objects.filter(pupil_id=gone.pk).exists()
    assert all(value is None for value in details_of(traces).values())
    # A second run finds nothing more.
    assert "Totaal: 0 verwijderd." in purge()


def test_a_period_is_configurable(data, settings):
    settings.VOROC_RETENTION_DAYS = {"meldingen": 30}
    output = purge("--dry-run")
    assert " 30 dagen" in line(output, "meldingen") and line(output, "meldingen").endswith(": 3 te verwijderen")


def test_one_day_before_the_end_of_its_period_a_pupil_stays(settings):
    with at(2023, 9, 1):
        PupilFactory(school_year=2022)
    out = io.StringIO()
    # Out of view since 1 August 2024: two years end on 1 August 2026 (730 days: 31 July 2026 at noon).
    with time_machine.travel(datetime.datetime(2026, 7, 30, 12, 0, tzinfo=AMS), tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
    assert line(out.getvalue(), "pupils").endswith(": 0 te verwijderen")
    out = io.StringIO()
    with time_machine.travel(datetime.datetime(2026, 8, 2, 12, 0, tzinfo=AMS), tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
    assert line(out.getvalue(), "pupils").endswith(": 1 te verwijderen")


def test_the_beat_task_runs_the_same_purge(data, settings):
    from voroc.tasks import purge_expired

    with time_machine.travel(NOW, tick=False):
        assert purge_expired.apply().get() >= 4
    assert settings.CELERY_BEAT_SCHEDULE["purge-expired"]["task"] == "voroc.tasks.purge_expired"
