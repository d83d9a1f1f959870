"""A sent dossier as a PDF (WeasyPrint, A4), from its snapshot: for the mbo-school that received it, and for the
pupil as a receipt. The pupil's name and school, never a BSN; the akkoordverklaring with who agreed, when, for which
school and which version; page numbers."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from students.text import file_slug

from .models import Consent


def render(consent: Consent, *, for_pupil: bool = False) -> bytes:
    from weasyprint import HTML  # imported here: Pango is only loaded for a PDF

    html = render_to_string(
        "dossier/pdf.html",
        {"consent": consent, "snap": consent.snapshot, "for_pupil": for_pupil, "printed_at": timezone.localtime()},
    )
    return HTML(string=html).write_pdf()


def filename(consent: Consent) -> str:
    name = file_slug(consent.snapshot.get("pupil", {}).get("naam", "")) or f"dossier-{consent.dossier_id}"
    return f"doorstroomdossier-{name}-{timezone.localtime(consent.given_at):%Y-%m-%d}.pdf"
