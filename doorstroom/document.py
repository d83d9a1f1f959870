"""A version of the form as a reader sees it (the read-only page, the PDF, the mbo's copy): every shown step
and answer, the attachments, and where it stands. A sent version is always shown from its snapshot, so the
school sees exactly what the mbo received."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from students.schoolyear import label as year_label

from .engine import ShownStep, document, record_sources
from .models import Declaration, Delivery, Formulier, Snapshot
from .records import as_the_mbo_reads_it, read_record


@dataclass(frozen=True)
class AttachmentInfo:
    name: str
    size: int
    field: str
    field_label: str
    uploaded_at: datetime.datetime
    url: str = ""


@dataclass
class FormDocument:
    form: Formulier
    declaration: Declaration
    steps: list[ShownStep]
    attachments: list[AttachmentInfo]
    snapshot: Snapshot | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    for_mbo: bool = False  # the mbo's copy: it also shows the extra aandacht sent with this version

    @property
    def pupil(self):
        return self.form.pupil

    @property
    def version(self) -> int:
        return self.form.version

    @property
    def record(self) -> dict:
        return self.snapshot.record if self.snapshot else {}

    @property
    def school_name(self) -> str:
        return self.record.get("school.naam") or self.form.pupil.school.name

    @property
    def pupil_name(self) -> str:
        return self.record.get("pupil.naam") or self.form.pupil.full_name

    @property
    def school_year_label(self) -> str:
        return year_label(self.form.pupil.school_year)

    @property
    def sent_at(self):
        return self.snapshot.created_at if self.snapshot else None


def build(
    form: Formulier, *, include_care: bool = True, mbo_school_id: int | None = None, links: bool = True
) -> FormDocument:
    """``mbo_school_id``: an mbo-school reads only what was delivered to it (then there is always a snapshot)."""
    spec = form.declaration.parsed()
    snapshot = Snapshot.objects.filter(form=form).select_related("declaration").first() if form.is_sent else None
    if snapshot is not None:
        answers, record = snapshot.answers, snapshot.record
        files: list = list(snapshot.attachments.all())
        url_name = "doorstroom:verzonden_bijlage"
        deliveries = list(snapshot.deliveries.select_related("mbo_school"))
        if mbo_school_id is not None:
            deliveries = [d for d in deliveries if d.mbo_school_id == mbo_school_id]
    else:
        answers, record = form.answers, read_record(form.pupil, record_sources(spec))
        files = list(form.attachments.select_related("blob"))
        url_name = "doorstroom:bijlage"
        deliveries = []
    if mbo_school_id is not None:
        record = as_the_mbo_reads_it(form.pupil, record, mbo_school_id)
    infos: dict[str, list[AttachmentInfo]] = {}
    for item in files:
        fld = spec.fields.get(item.field)
        infos.setdefault(item.field, []).append(
            AttachmentInfo(
                name=item.name,
                size=item.size,
                field=item.field,
                field_label=fld.label if fld else item.field,
                uploaded_at=item.uploaded_at,
                url=reverse(url_name, args=[item.pk]) if links else "",
            )
        )
    steps = document(spec, answers, record, infos, include_care=include_care)
    shown_files = [a for step in steps for f in step.fields for a in f.attachments]
    return FormDocument(
        form=form,
        declaration=form.declaration,
        steps=steps,
        attachments=shown_files,
        snapshot=snapshot,
        deliveries=deliveries,
        for_mbo=mbo_school_id is not None,
    )


@dataclass(frozen=True)
class Change:
    step: str
    label: str
    old: str
    new: str


def _as_text(shown) -> str:
    """An answer in one line, to compare two versions by what a reader sees."""
    if shown.field.type == "attachment":
        return ", ".join(a.name for a in shown.attachments)
    text = shown.text
    if isinstance(text, list):
        if text and isinstance(text[0], list):  # repeatable rows: (label, text) per column
            return "; ".join(" · ".join(f"{label}: {value}" for label, value in row if value) for row in text)
        return ", ".join(str(item) for item in text)
    return str(text or "")


def changes(older: FormDocument, newer: FormDocument) -> list[Change]:
    """What differs between two versions, field by field as a reader sees them (a field shown in one version
    only counts as emptied or filled), in the order of the newer version."""

    def flat(doc: FormDocument) -> dict[str, tuple[str, str, str]]:
        return {
            f.field.key: (shown.step.title, f.field.label, _as_text(f)) for shown in doc.steps for f in shown.fields
        }

    before, after = flat(older), flat(newer)
    found = []
    for key in [*after, *(k for k in before if k not in after)]:
        step, label, new = after.get(key) or (*before[key][:2], "")
        old = before[key][2] if key in before else ""
        if old != new:
            found.append(Change(step, label, old, new))
    return found
