"""Background work for meldingen and mail. Tasks take ids and call the code that does the work."""

from __future__ import annotations

import datetime
import smtplib

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from .mail import deserialise_attachments
from .models import OutgoingMail

MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 3600)  # 30 s, 1 min, 2 min, … at most an hour


@shared_task(bind=True, acks_late=True, max_retries=settings.VOROC_MAIL_MAX_RETRIES)
def deliver_mail(self: Task, mail_id: int) -> None:
    """Deliver one queued mail; retried with backoff when the mail server fails, then marked failed."""
    outgoing = OutgoingMail.objects.filter(pk=mail_id).first()
    if outgoing is None or outgoing.state == OutgoingMail.State.SENT:
        return  # idempotent: a second delivery of the same task sends nothing
    payload = outgoing.payload
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        connection=get_connection(settings.VOROC_EMAIL_DELIVERY_BACKEND),
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in deserialise_attachments(payload.get("attachments", [])):
        message.attach(filename, content, mimetype)
    # Claim this attempt: a second delivery of the same mail at the same moment (the safety net below and a late
    # message from the broker) finds the count changed and sends nothing.
    if not OutgoingMail.objects.filter(pk=mail_id, attempts=outgoing.attempts).update(attempts=outgoing.attempts + 1):
        return
    try:
        message.send()
    except MAIL_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
        if self.request.retries >= self.max_retries:
            OutgoingMail.objects.filter(pk=mail_id).update(state=OutgoingMail.State.FAILED, last_error=error)
            return
        OutgoingMail.objects.filter(pk=mail_id).update(last_error=error)
        if self.request.is_eager:
            # No broker (the embedded default): try again at once; the backoff needs a real worker.
            deliver_mail.apply(args=[mail_id], retries=self.request.retries + 1)
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    # Delivered: the content (which may hold a password link, or an attachment with pupil data) is not kept.
    OutgoingMail.objects.filter(pk=mail_id).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), payload={}, last_error=""
    )


@shared_task
def check_deadlines() -> int:
    from .deadlines import check_all

    return check_all()


@shared_task
def send_digests() -> int:
    from .digest import send_all

    return send_all()


STALLED_AFTER = datetime.timedelta(minutes=30)


@shared_task
def requeue_stalled_mail() -> int:
    """Mail that never got a delivery attempt (its task was lost: the broker was down at the commit) is queued
    again; hourly through Celery beat."""
    stalled = list(
        OutgoingMail.objects.filter(
            state=OutgoingMail.State.QUEUED, attempts=0, created_at__lt=timezone.now() - STALLED_AFTER
        ).values_list("pk", flat=True)
    )
    for mail_id in stalled:
        deliver_mail.delay(mail_id)
    return len(stalled)
