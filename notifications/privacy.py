"""What notifications keeps about pupils, for the inzage (AVG), and how long meldingen and mail are kept."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register
from students.privacy import Section, register_section

from .models import Melding, OutgoingMail


def _meldingen(pupil) -> list[dict]:
    return [
        {"tijdstip": m.created_at, "organisatie": m.organisation.name, "soort": m.get_kind_display(), "tekst": m.text}
        for m in Melding.objects.filter(pupil=pupil).select_related("organisation").order_by("created_at")
    ]


register_section(Section("meldingen", "Meldingen over de leerling", _meldingen, position=30))
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
