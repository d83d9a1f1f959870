"""Reminders: whoever holds a pupil's dossier longer than VOROC_DOSSIER_REMINDER_DAYS (default 7) gets one — the
mentor a Melding (with an account) and a mail, the pupil a mail that says exactly what to do next — at most once per
period, and never twice for one run. Run every morning by Celery beat (dossier.tasks.remind_holders)."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from accounts.models import Organisation
from audit.models import AuditEntry
from dossier.models import MENTOR_LINK_VALID, Dossier, DossierState
from dossier.reminders import remind_all
from dossier.tasks import remind_holders
from groups.services import set_mentor_links
from notifications.models import Melding
from tests.dossier.states import dossier_in
from tests.factories import GroupFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(demo):
    school = Organisation.objects.get(code="00AA")
    group = GroupFactory(school=school, name="4A")
    set_mentor_links(school=school, links={(group.pk, demo["mentor.vo1"].pk)})
    return PupilFactory(school=school, group=group, voornaam="Sem", achternaam="Jansen")


@pytest.fixture
def mentor(demo):
    return demo["mentor.vo1"]


def later(days: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def test_the_mentor_gets_a_melding_and_a_mail_once(pupil, mentor, eager):
    dossier = dossier_in(DossierState.BIJ_MENTOR, pupil=pupil, mentor=mentor, days=8)
    assert remind_holders.delay().get() == 1

    melding = Melding.objects.get()
    assert melding.user == mentor and melding.pupil == pupil and melding.organisation == mentor.organisation
    assert "Sem Jansen" in melding.text and "8 dagen" in melding.text and melding.link
    [message] = mail.outbox
    assert message.to == [mentor.email] and "Sem Jansen" in message.subject
    assert f"Beste {mentor.full_name}" in message.body and "8 dagen" in message.body
    assert "Terugsturen naar leerling" in message.body and django_settings.VOROC_BASE_URL in message.body
    dossier.refresh_from_db()
    assert dossier.reminded_at is not None

    # Idempotent: a second run (the same morning, or a retry) sends nothing.
    assert remind_holders.delay().get() == 0
    assert Melding.objects.count() == 1 and len(mail.outbox) == 1


def test_a_mentor_without_an_account_gets_a_mail_that_points_to_their_link(pupil, eager):
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupil, mentor_name="Coach Kees", mentor_email="kees@example.com", days=9)
    assert remind_holders.delay().get() == 1
    assert not Melding.objects.exists()
    [message] = mail.outbox
    assert message.to == ["kees@example.com"] and "Beste Coach Kees" in message.body
    assert "link uit de eerste e-mail" in message.body and f"{MENTOR_LINK_VALID.days} dagen geldig" in message.body
    assert "vraag Sem Jansen dan om een nieuwe link" in message.body


def test_the_pupil_waiting_for_the_akkoord_is_told_what_to_do(pupil, eager):
    dossier = dossier_in(DossierState.AKKOORD, pupil=pupil, days=8)
    remind_all()
    [message] = mail.outbox
    assert message.to == [dossier.account.user.email] and "akkoordverklaring" in message.subject
    assert "Hoi Sem" in message.body and "Je mentor heeft je doorstroomdossier op " in message.body
    assert "“Start akkoordverklaring”" in message.body and "“Akkoord”" in message.body
    assert "Kok, niveau 2" in message.body
    assert not Melding.objects.exists()


def test_the_pupil_in_part_a_gets_the_pages_still_to_do_and_not_about_a_dossier_left_behind(pupil, eager):
    old = dossier_in(DossierState.DEEL_A, pupil=pupil, days=30, percent=20)
    newer = dossier_in(DossierState.DEEL_A, account=old.account, days=9, percent=20)
    assert remind_all() == 1
    [message] = mail.outbox
    assert "maak je doorstroomdossier af" in message.subject and "Deel A is voor 20% ingevuld" in message.body
    pages = re.findall(r"^   - (.+) \(nu (\d+)%", message.body, re.M)
    assert ("Familie, wonen en vrije tijd", "0") in pages and ("Vervolgkeuze", "0") in pages
    assert "Persoonlijke gegevens" in dict(pages)  # prefilled from the school's record, not complete
    assert "“Opsturen naar mentor”" in message.body
    assert Dossier.objects.get(pk=newer.pk).reminded_at is not None
    assert Dossier.objects.get(pk=old.pk).reminded_at is None  # left for the newer one
    # The reminder is no save of the pupil's: the last save stays what it was.
    assert Dossier.objects.get(pk=newer.pk).updated_at == newer.updated_at


def test_not_before_the_limit_and_at_most_once_per_period(pupil, mentor, eager):
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupil, mentor=mentor, days=6)
    assert remind_all() == 0  # 6 days: not longer than 7
    with later(1.5):
        assert remind_all() == 1  # 7.5 days
    with later(3):
        assert remind_all() == 0  # reminded 1.5 days ago
    with later(9):
        assert remind_all() == 1  # a week after the last reminder: again
    assert Melding.objects.count() == 2 and len(mail.outbox) == 2


def test_a_change_of_the_setting_changes_the_limit(pupil, mentor, settings, eager):
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupil, mentor=mentor, days=4)
    assert remind_holders.delay().get() == 0
    settings.VOROC_DOSSIER_REMINDER_DAYS = 3
    assert remind_holders.delay().get() == 1
    assert "4 dagen" in mail.outbox[0].body


def test_nobody_is_reminded_of_a_sent_dossier_or_a_closed_account(pupil, mentor, demo, eager):
    dossier_in(DossierState.VERSTUURD, pupil=pupil, days=30)
    other = PupilFactory(school=pupil.school, group=pupil.group)
    gone = dossier_in(DossierState.AKKOORD, pupil=other, days=30)
    gone.account.user.is_active = False
    gone.account.user.save()
    assert remind_all() == 0 and not mail.outbox


def test_each_reminder_is_in_the_log_without_its_content(pupil, mentor, eager):
    dossier = dossier_in(DossierState.BIJ_MENTOR, pupil=pupil, mentor=mentor, days=8)
    remind_all()
    entry = AuditEntry.objects.get(pupil_id=pupil.pk, screen="dossier:herinneren")
    assert entry.summary == (
        f"doorstroomdossier {dossier.pk}: herinnering gestuurd aan de mentor {mentor.full_name} (na 8 dagen, grens 7)"
    )
    assert entry.actor_name == "herinnering doorstroomdossier"


def test_the_beat_runs_the_task_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-dossier-holders"]
    assert entry["task"] == "dossier.tasks.remind_holders" == remind_holders.name
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {20}


@pytest.mark.services
@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs REDIS_URL (CI runs it against the machine's Redis)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_through_the_queue(demo, settings):
    from celery.contrib.testing.worker import start_worker

    from dossier.loader import load_shipped
    from voroc.celery import app

    load_shipped()  # a transactional test starts from an empty database
    school = Organisation.objects.get(code="00AA")
    pupil = PupilFactory(school=school, voornaam="Sem", achternaam="Jansen")
    dossier = dossier_in(DossierState.AKKOORD, pupil=pupil, days=8)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        remind_holders.delay()  # no result backend: the worker's work is what it leaves behind
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not mail.outbox:
            time.sleep(0.2)
        remind_holders.delay()  # a second run (beat and a retry) sends nothing again
        time.sleep(2)
    assert Dossier.objects.get(pk=dossier.pk).reminded_at is not None
    assert [m.to for m in mail.outbox] == [[dossier.account.user.email]]
