"""Outgoing mail goes through Celery: the backend queues each message after the transaction commits.

settings.EMAIL_BACKEND points here; settings.VOROC_EMAIL_DELIVERY_BACKEND is the backend that really
delivers (SMTP in production, the console in the demo). Without Redis the task runs eagerly, in-process.
"""

from __future__ import annotations

from functools import partial

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction


def serialise(message) -> dict:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


class QueuedEmailBackend(BaseEmailBackend):
    """Each message is kept as an OutgoingMail and handed to the delivery task after the commit."""

    def send_messages(self, email_messages) -> int:
        from .models import OutgoingMail
        from .tasks import deliver_mail

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            outgoing = OutgoingMail.objects.create(
                subject=message.subject[:300], to=", ".join(message.recipients())[:500], payload=serialise(message)
            )
            transaction.on_commit(partial(deliver_mail.delay, outgoing.pk))
            count += 1
        return count
