"""What notifications keeps about pupils, for the inzage (AVG), and how long meldingen and mail are kept.

Meldingen and mails about a pupil point to the pupil and go with them when the pupil is removed (cascade)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register
from students.privacy import Section, register_section

from .mail import deserialise_attachments
from .models import Melding, OutgoingMail


def _meldingen(pupil) -> list[dict]:
    return [
        {"tijdstip": m.created_at, "organisatie": m.organisation.name, "soort": m.get_kind_display(), "tekst": m.text}
        for m in Melding.objects.filter(pupil=pupil).select_related("organisation").order_by("created_at")
    ]


def _mails(pupil) -> list[dict]:
    return [
        {
            "aangemaakt_op": m.created_at,
            "onderwerp": m.subject,
            "aan": m.to,
            "status": m.get_state_display(),
            "pogingen": m.attempts,
            "laatste_fout": m.last_error,
            "verstuurd_op": m.sent_at,
            # Kept only until the mail is delivered (a failed one keeps it until its retention period ends).
            "inhoud": m.payload.get("body", ""),
            "bijlagen": ", ".join(a["filename"] for a in m.payload.get("attachments", [])),
        }
        for m in OutgoingMail.objects.filter(pupil=pupil).order_by("created_at", "pk")
    ]


def _mail_files(pupil) -> list[tuple[str, bytes]]:
    files = []
    for mail in OutgoingMail.objects.filter(pupil=pupil).exclude(payload={}).order_by("pk"):
        for name, content, _mimetype in deserialise_attachments(mail.payload.get("attachments", [])):
            files.append((f"e-mail-{mail.pk}-{name}", content.encode() if isinstance(content, str) else content))
    return files


register_section(Section("meldingen", "Meldingen over de leerling", _meldingen, position=30))
register_section(
    Section(
        "emails",
        "E-mails over de leerling (nog niet verstuurd of mislukt: met inhoud)",
        _mails,
        _mail_files,
        position=31,
    )
)
register(
    Category.of_records(
        key="meldingen",
        label=str(_("meldingen")),
        default_days=365,
        counts_from=str(_("het maken van de melding")),
        records=lambda cutoff: Melding.objects.filter(created_at__lt=cutoff),
    )
)
register(
    Category.of_records(
        key="outgoing_mail",
        label=str(_("verzonden en mislukte e-mails (adres en onderwerp)")),
        default_days=180,
        counts_from=str(_("het aanmaken van de e-mail")),
        records=lambda cutoff: OutgoingMail.objects.filter(created_at__lt=cutoff),
    )
)
