"""Background work for meldingen and mail. Tasks take ids and call the code that does the work."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from .mail import deserialise_attachments
from .models import OutgoingMail

MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 3600)  # 30 s, 1 min, 2 min, … at most an hour


@shared_task(bind=True, acks_late=True, max_retries=settings.VOROC_MAIL_MAX_RETRIES)
def deliver_mail(self, mail_id: int) -> None:
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
    OutgoingMail.objects.filter(pk=mail_id).update(attempts=outgoing.attempts + 1)
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
