"""The form as a PDF (WeasyPrint, A4): school and pupil name (no BSN), every step and answer, the attachments
listed, page numbers and the versions of the form and its declaration."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from students.text import file_slug

from .document import FormDocument


def render(doc: FormDocument, *, font_config=None) -> bytes:
    from weasyprint import HTML  # imported here: Pango is only loaded for a PDF

    html = render_to_string("doorstroom/pdf.html", {"doc": doc, "printed_at": timezone.localtime()})
    return HTML(string=html).write_pdf(font_config=font_config)


def filename(doc: FormDocument) -> str:
    pupil = doc.form.pupil
    name = file_slug(f"{pupil.achternaam} {pupil.voornaam} {pupil.tussenvoegsel}") or f"leerling-{pupil.pk}"
    return f"doorstroomformulier-{name}-versie-{doc.version}.pdf"
