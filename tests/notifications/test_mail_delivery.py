"""Mail delivery: retries with backoff, a failure that stays visible (and resendable) in admin, the digest."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.digest import send_all
from notifications.models import MeldingKind, OutgoingMail
from notifications.services import notify
from notifications.tasks import _backoff
from tests.factories import PupilFactory

from .flaky_backend import FlakyBackend
from .helpers import send_test_mail


@pytest.fixture
def queued(settings, eager):
    settings.EMAIL_BACKEND = "notifications.mail.QueuedEmailBackend"
    settings.VOROC_EMAIL_DELIVERY_BACKEND = "tests.notifications.flaky_backend.FlakyBackend"
    FlakyBackend.calls = 0
    return FlakyBackend


@pytest.mark.django_db
def test_a_mail_whose_first_two_attempts_fail_is_delivered_on_the_third(queued, django_capture_on_commit_callbacks):
    queued.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        send_test_mail("Derde keer")
    assert [m.subject for m in mail.outbox] == ["Derde keer"]
    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.attempts, outgoing.payload) == (OutgoingMail.State.SENT, 3, {})
    assert queued.calls == 3
    assert [_backoff(n) for n in range(3)] == [30, 60, 120] and _backoff(20) == 3600


@pytest.mark.django_db
def test_a_mail_that_always_fails_ends_visible_in_admin_and_can_be_resent(
    queued, settings, servicedesk_client, django_capture_on_commit_callbacks
):
    queued.failures = 1000
    with django_capture_on_commit_callbacks(execute=True):
        send_test_mail("Komt niet aan")
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingMail.State.FAILED
    assert outgoing.attempts == settings.VOROC_MAIL_MAX_RETRIES + 1
    assert "SMTPServerDisconnected" in outgoing.last_error and mail.outbox == []
    listing = servicedesk_client.get(reverse("admin:notifications_outgoingmail_changelist"), {"state": "failed"})
    assert "Komt niet aan" in listing.content.decode()
    # The server works again: "Opnieuw versturen" delivers it.
    queued.failures, queued.calls = 0, 0
    with django_capture_on_commit_callbacks(execute=True):
        servicedesk_client.post(
            reverse("admin:notifications_outgoingmail_changelist"),
            {"action": "resend", "_selected_action": [outgoing.pk]},
        )
    outgoing.refresh_from_db()
    assert outgoing.state == OutgoingMail.State.SENT and [m.subject for m in mail.outbox] == ["Komt niet aan"]


@pytest.mark.django_db
def test_the_daily_digest_counts_new_meldingen_without_naming_pupils(demo, settings):
    decaan = demo["decaan.vo1"]
    decaan.meldingen_digest = True
    decaan.save()
    pupil = PupilFactory(school=decaan.organisation, voornaam="Geheime", achternaam="Naam")
    notify(
        organisation=decaan.organisation, kind=MeldingKind.STATUS, text="Nieuwe status voor Geheime Naam", pupil=pupil
    )
    notify(organisation=decaan.organisation, kind=MeldingKind.SYSTEEM, text="Onderhoud vannacht")
    assert send_all() == 1
    message = mail.outbox[0]
    assert message.to == [decaan.email] and message.subject == "VOROC: 2 nieuwe meldingen"
    body = message.body + message.alternatives[0][0]
    assert "Status aanmelding: 1" in body and "Systeem: 1" in body and "Geheime" not in body
    assert send_all() == 0  # nothing new since
    mentor = demo["mentor.vo1"]  # did not ask for it
    assert mentor.email not in [m.to[0] for m in mail.outbox]
