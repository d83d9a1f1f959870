"""The doorstroomformulier in the inzage (AVG), and how long unsaved input is kept.

Forms, their versions, what was sent and the attachments go with the pupil (cascade; stored files no form
points to any more are released by receivers.release_blob).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register
from students.privacy import Section, register_section

from . import document, pdf
from .models import Attachment, FormDraft, Formulier


def _forms(pupil):
    return (
        Formulier.objects.filter(pupil=pupil)
        .select_related("declaration", "pupil", "pupil__school")
        .order_by("version")
    )


def flat_text(value) -> str:
    """An answer as one line of text (a multiple choice, rows of label: text); also the pupil's dossier's inzage."""
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{label}: {text}" for label, text in row) if isinstance(row, list) else str(row) for row in value
        )
    return "" if value is None else str(value)


def _answers(pupil) -> list[dict]:
    rows = []
    for form in _forms(pupil):
        doc = document.build(form, links=False)
        for step in doc.steps:
            for shown in step.fields:
                if shown.filled:
                    rows.append(
                        {
                            "versie": form.version,
                            "status": form.get_state_display(),
                            "verzonden_op": form.sent_at,
                            "stap": step.step.title,
                            "vraag": shown.field.label,
                            "antwoord": flat_text(shown.text) or ", ".join(a.name for a in shown.attachments),
                        }
                    )
    return rows


def _history(pupil) -> list[dict]:
    rows = []
    for form in _forms(pupil).prefetch_related("revisions", "snapshot__deliveries__mbo_school"):
        for revision in sorted(form.revisions.all(), key=lambda r: (r.at, r.pk)):
            rows.append(
                {
                    "versie": form.version,
                    "wanneer": revision.at,
                    "wat": revision.get_action_display(),
                    "door": revision.user_name,
                    "toelichting": revision.note,
                }
            )
    return rows


def _drafts(pupil) -> list[dict]:
    return [
        {
            "versie": d.form.version,
            "van": d.user.full_name if d.user else "",
            "gewijzigd_op": d.updated_at,
            "invoer": str(d.values),
            "verwijderde_bijlagen": str(d.removed_attachments),
        }
        for d in FormDraft.objects.filter(form__pupil=pupil).select_related("form", "user")
    ]


def _files(pupil) -> list[tuple[str, bytes]]:
    files = []
    for form in _forms(pupil):
        doc = document.build(form, links=False)
        files.append((f"doorstroomformulier-versie-{form.version}.pdf", pdf.render(doc)))
        for attachment in Attachment.with_pending.filter(form=form).select_related("blob"):
            unsaved = "-niet-opgeslagen" if attachment.pending_for_id else ""
            with attachment.blob.file.open("rb") as handle:
                name = f"versie-{form.version}-bijlage-{attachment.pk}{unsaved}-{attachment.name}"
                files.append((name, handle.read()))
    return files


register_section(
    Section("doorstroomformulier", "Doorstroomformulier (antwoorden per versie)", _answers, _files, position=40)
)
register_section(
    Section("doorstroomformulier_geschiedenis", "Doorstroomformulier: geschiedenis", _history, position=41)
)
register_section(
    Section("doorstroomformulier_invoer", "Doorstroomformulier: nog niet opgeslagen invoer", _drafts, position=42)
)
register(
    Category.of_records(
        key="form_drafts",
        label=str(_("niet opgeslagen invoer van doorstroomformulieren")),
        default_days=30,
        counts_from=str(_("de laatste wijziging")),
        records=lambda cutoff: FormDraft.objects.filter(updated_at__lt=cutoff),
    )
)
