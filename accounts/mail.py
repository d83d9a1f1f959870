"""Templated mail: a plain-text part and an HTML part from ``<prefix>.txt`` / ``<prefix>.html``.

Sending goes through settings.EMAIL_BACKEND, which queues every message as a Celery task after the
current transaction commits (notifications.mail). No BSN and no care data ever go into a mail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .context_processors import servicedesk


class VorocMail(EmailMultiAlternatives):
    """A mail that may say which pupil it is about (the queue links it to that pupil: inzage, removal)."""

    about_pupil_id: int | None = None


def send_templated_mail(
    *,
    to: list[str],
    subject: str,
    template: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
    about_pupil_id: int | None = None,
) -> None:
    """``attachments``: (filename, content, mimetype); kept in the queue only until the mail is delivered.
    ``about_pupil_id``: the pupil a mail is about, if it is about one."""
    context = {**servicedesk(), "base_url": settings.VOROC_BASE_URL, **context}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = VorocMail(subject=subject, body=text, to=to)
    message.about_pupil_id = about_pupil_id
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
