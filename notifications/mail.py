"""Outgoing mail goes through Celery: the backend queues each message after the transaction commits.

settings.EMAIL_BACKEND points here; settings.VOROC_EMAIL_DELIVERY_BACKEND is the backend that really
delivers (SMTP in production, the console in the demo). Without Redis the task runs eagerly, in-process.
"""

from __future__ import annotations

import base64

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction


def serialise_attachments(message) -> list[dict]:
    """Attachments as JSON: (filename, content, mimetype) with the bytes in base64. A MIME part built by hand
    is refused rather than dropped: a mail must not leave without what its sender attached."""
    items = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise ValueError("Only (filename, content, mimetype) attachments can be queued.")
        filename, content, mimetype = attachment
        if isinstance(content, str):
            items.append({"filename": filename, "text": content, "mimetype": mimetype})
        else:
            items.append({"filename": filename, "base64": base64.b64encode(content).decode(), "mimetype": mimetype})
    return items


def deserialise_attachments(items: list[dict]) -> list[tuple[str, bytes | str, str]]:
    return [
        (item["filename"], item["text"] if "text" in item else base64.b64decode(item["base64"]), item["mimetype"])
        for item in items
    ]


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
        # Kept, like the body, only until the mail is delivered (deliver_mail empties the payload).
        "attachments": serialise_attachments(message),
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
                subject=message.subject[:300],
                to=", ".join(message.recipients())[:500],
                payload=serialise(message),
                pupil_id=getattr(message, "about_pupil_id", None),
            )
            queue_after_commit(deliver_mail, outgoing.pk)
            count += 1
        return count


def queue_after_commit(task, mail_id: int) -> None:
    """Queue the delivery once the mail is committed. Robust: with the broker down the mail stays queued in the
    database (and the request that sent it succeeds); the hourly ``requeue_stalled_mail`` tries it again."""
    transaction.on_commit(lambda: task.delay(mail_id), robust=True)
