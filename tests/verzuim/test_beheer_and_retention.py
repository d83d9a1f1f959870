"""Beheer locaties and melders, the meldingsnummer under concurrency, the five-year purge, the demo."""

import datetime
import io
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from students.models import Pupil
from tests.conftest import login_as
from verzuim.models import Locatie, Melder, Status, VerzuimMelding
from verzuim.services import report, set_status

from .conftest import pdf, posted


@pytest.mark.django_db
def test_beheer_locaties_create_rename_deactivate(client, demo, resident, data, orgs):
    login_as(client, demo["beheerder.vo1"])
    url = reverse("verzuim:locaties")
    client.post(url, {"name": "Dependance Moerwijk"})
    assert (
        "al een locatie met deze naam"
        in client.post(url, {"name": "dependance moerwijk"}, follow=True).content.decode()
    )
    locatie = Locatie.objects.get(school=orgs["00AA"], name="Dependance Moerwijk")
    item = reverse("verzuim:locatie", args=[locatie.pk])
    client.post(item, {"name": "Dependance Moerwijk-Zuid"})
    locatie.refresh_from_db()
    assert locatie.name == "Dependance Moerwijk-Zuid"
    melding = report(pupil=resident(), by=demo["decaan.vo1"], data={**data, "locatie": locatie})
    client.post(item, {"active": "0"})
    locatie.refresh_from_db()
    assert not locatie.active
    # No longer offered for a new melding; still on the old one, and there when it is changed.
    login_as(client, demo["decaan.vo1"])
    form = client.get(reverse("verzuim:nieuw", args=[melding.pupil_id])).context["form"]
    assert locatie not in form.fields["locatie"].queryset
    edit = client.get(reverse("verzuim:wijzigen", args=[melding.pk])).context["form"]
    assert locatie in edit.fields["locatie"].queryset
    assert "niet meer actief" in client.get(reverse("verzuim:melding", args=[melding.pk])).content.decode()


@pytest.mark.django_db
def test_beheer_melders_and_another_schools_item_is_404(client, demo, orgs):
    login_as(client, demo["beheerder.vo1"])
    client.post(reverse("verzuim:melders"), {"name": "Karin Mulder", "functie": "verzuimcoördinator"})
    melder = Melder.objects.get()
    assert (melder.school, melder.functie) == (orgs["00AA"], "verzuimcoördinator")
    # The same form posted again (a double click, the back button): still one melder, and the page says so.
    again = client.post(
        reverse("verzuim:melders"), {"name": "Karin Mulder", "functie": "verzuimcoördinator"}, follow=True
    )
    assert Melder.objects.count() == 1 and "Er is niets dubbel vastgelegd" in again.content.decode()
    client.post(reverse("verzuim:melders"), {"name": "Karin Mulder", "functie": "mentor"})  # another role: another
    assert Melder.objects.count() == 2
    other = Locatie.objects.create(school=orgs["00BB"], name="Delft Centrum")
    assert client.post(reverse("verzuim:locatie", args=[other.pk]), {"active": "0"}).status_code == 404
    login_as(client, demo["decaan.vo1"])
    assert client.get(reverse("verzuim:melders")).status_code == 403


@pytest.mark.django_db
def test_the_verzuimmelder_right_is_given_on_gebruikers(client, demo):
    mentor = demo["mentor.vo1"]
    login_as(client, demo["beheerder.vo1"])
    page = client.get(reverse("accounts:users")).content.decode()
    assert 'data-testid="toggle-verzuimmelder"' in page
    client.post(reverse("accounts:user_verzuimmelder", args=[mentor.pk]), {"verzuimmelder": "1"})
    mentor.refresh_from_db()
    assert mentor.verzuimmelder
    client.post(reverse("accounts:user_verzuimmelder", args=[mentor.pk]), {"verzuimmelder": "0"})
    mentor.refresh_from_db()
    assert not mentor.verzuimmelder
    assert (
        client.post(
            reverse("accounts:user_verzuimmelder", args=[demo["mentor.vo2"].pk]), {"verzuimmelder": "1"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_closed_meldingen_go_five_years_after_closing_with_their_files(client, demo, resident, data):
    start = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
    data = {**data, "begin": datetime.date(2026, 2, 2), "eind": datetime.date(2026, 2, 27)}
    with time_machine.travel(start, tick=False):
        cache.clear()
        closed = report(pupil=resident(), by=demo["decaan.vo1"], data=data, attachments=[pdf()])
        set_status(melding=closed, by=demo["gemeente.denhaag"], status=Status.AFGESLOTEN)
        open_one = report(pupil=resident(), by=demo["decaan.vo1"], data=data)
    name = closed.bijlagen.get().file.name
    assert default_storage.exists(name)
    # Five years less a day: kept. The one still open stays, however old.
    with time_machine.travel(start + datetime.timedelta(days=5 * 365), tick=False):
        cache.clear()  # the school year is cached for minutes of real time (Redis in CI), not of travelled time
        call_command("purge_expired", stdout=io.StringIO())
    assert VerzuimMelding.objects.count() == 2
    with time_machine.travel(start + datetime.timedelta(days=5 * 365 + 2), tick=False):
        cache.clear()
        out = io.StringIO()
        with _commits():
            call_command("purge_expired", stdout=out)
    assert list(VerzuimMelding.objects.all()) == [open_one]
    assert not default_storage.exists(name)
    assert "verzuim" in out.getvalue()
    # The pupils were kept for their verzuim beyond their own two years; the next run takes the one whose melding
    # is gone, and keeps the one whose melding is still open.
    with time_machine.travel(start + datetime.timedelta(days=5 * 365 + 3), tick=False):
        cache.clear()
        call_command("purge_expired", stdout=io.StringIO())
    assert list(Pupil.objects.filter(pk__in=[closed.pupil_id, open_one.pupil_id])) == [open_one.pupil]


def _commits():
    """Run what waits for the commit (the file's removal) at the end of the block."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: CI runs it on PostgreSQL")
def test_two_meldingen_at_once_get_two_numbers(demo, resident, data):
    pupils = [resident(), resident()]
    numbers, errors = [], []
    barrier = threading.Barrier(2)

    def make(pupil):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            numbers.append(report(pupil=pupil, by=demo["decaan.vo1"], data=data).meldingsnummer)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=make, args=(p,)) for p in pupils]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [min(numbers), min(numbers) + 1]  # two numbers, none given twice, none skipped


@pytest.mark.django_db
def test_the_demo_has_meldingen_in_every_status_at_both_schools(demo_pupils):
    meldingen = VerzuimMelding.objects.all()
    assert set(meldingen.values_list("status", flat=True)) == set(Status.values)
    assert set(meldingen.values_list("school__code", flat=True)) == {"00AA", "00BB"}
    assert Locatie.objects.filter(school__code="00BB").exists() and Melder.objects.filter(school__code="00AA").exists()
    for melding in meldingen:
        assert melding.gemeente.postcodes.filter(postcode=melding.pupil.postcode[:4]).exists()


def test_posted_helper_matches_the_form():
    assert posted({"a": True, "b": None, "c": datetime.date(2026, 1, 2)}) == {"a": "ja", "c": "2026-01-02"}
