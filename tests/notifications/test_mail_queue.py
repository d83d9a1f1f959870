"""Outgoing mail is queued as a Celery task after commit; eager without Redis, a real worker with it."""

import time
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from voroc.celery import app

from .helpers import send_test_mail

QUEUED = {
    "EMAIL_BACKEND": "notifications.mail.QueuedEmailBackend",
    "VOROC_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@pytest.mark.django_db
def test_mail_leaves_only_after_the_transaction_commits(settings, eager, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    settings.VOROC_EMAIL_DELIVERY_BACKEND = QUEUED["VOROC_EMAIL_DELIVERY_BACKEND"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_test_mail("Na de commit")
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Na de commit"]
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_with_the_broker_down_the_mail_waits_in_the_database_and_the_hourly_net_sends_it_once(
    settings, eager, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from notifications.models import OutgoingMail
    from notifications.tasks import deliver_mail, requeue_stalled_mail
    from tests.brokers import broker_down

    assert settings.CELERY_BEAT_SCHEDULE["requeue-stalled-mail"]["task"] == "notifications.tasks.requeue_stalled_mail"
    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    settings.VOROC_EMAIL_DELIVERY_BACKEND = QUEUED["VOROC_EMAIL_DELIVERY_BACKEND"]
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        send_test_mail("Wacht op de broker")  # no exception for the one who sent it
    queued = OutgoingMail.objects.get()
    assert queued.state == OutgoingMail.State.QUEUED and queued.attempts == 0 and mail.outbox == []
    assert requeue_stalled_mail() == 0  # not yet: its task may still be on the way
    OutgoingMail.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert requeue_stalled_mail() == 1
    assert [m.subject for m in mail.outbox] == ["Wacht op de broker"]
    assert OutgoingMail.objects.get().state == OutgoingMail.State.SENT
    # A late second delivery of the same mail sends nothing again.
    deliver_mail.apply(args=[queued.pk])
    assert len(mail.outbox) == 1 and requeue_stalled_mail() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(settings, eager):
    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    settings.VOROC_EMAIL_DELIVERY_BACKEND = QUEUED["VOROC_EMAIL_DELIVERY_BACKEND"]
    with pytest.raises(RuntimeError), transaction.atomic():
        send_test_mail("Teruggedraaid")
        raise RuntimeError
    assert mail.outbox == []


@pytest.mark.services
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI runs it against the machine's Redis)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_queued_mail_through_redis(settings):
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = QUEUED["EMAIL_BACKEND"]
    settings.VOROC_EMAIL_DELIVERY_BACKEND = QUEUED["VOROC_EMAIL_DELIVERY_BACKEND"]
    assert app.conf.task_always_eager is False and app.conf.broker_url.startswith("redis://")
    subject = f"Via Redis {uuid.uuid4()}"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        with transaction.atomic():
            send_test_mail(subject)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and subject not in [m.subject for m in mail.outbox]:
            time.sleep(0.1)
    assert subject in [m.subject for m in mail.outbox]
