"""Reads of doorstroomformulieren: the current declaration and form, a user's working copy, progress,
attachments, whether a form is locked, and what an mbo-school received. They take objects already fetched
through the access rule (access.get_pupil_with_form_rights) or start from it; the writes are in services.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from students.formstate import FormIcon, is_locked
from students.models import Aanmelding, Pupil, Status
from students.selectors import pupils_visible_to

from .engine import Progress, evaluate
from .models import Attachment, Declaration, FormDraft, Formulier, Snapshot


def current_declaration(*, region: str, school_year: int) -> Declaration:
    """The newest version for the region and year; else the newest of an earlier year (a region that did not
    publish a new one keeps using the last)."""
    found = (
        Declaration.objects.filter(region=region, school_year__lte=school_year)
        .order_by("-school_year", "-version")
        .first()
    )
    if found is None:
        raise ValidationError(
            _(
                "Voor regio %(region)s is nog geen doorstroomformulier vastgesteld. Neem contact op met de "
                "VOROC Servicedesk."
            )
            % {"region": region}
        )
    return found


def current_form(pupil: Pupil) -> Formulier | None:
    return (
        Formulier.objects.select_related("declaration", "pupil", "pupil__school")
        .filter(pupil=pupil, is_current=True)
        .first()
    )


def open_draft(*, form: Formulier, user: User) -> FormDraft:
    """The user's unsaved input for this form (a new, unsaved one when there is none)."""
    return FormDraft.objects.filter(form=form, user=user).first() or FormDraft(form=form, user=user)


def effective_answers(form: Formulier, draft: FormDraft | None) -> dict[str, Any]:
    """What the user sees: the saved answers with their own unsaved changes on top."""
    answers = dict(form.answers)
    for key, value in (draft.values if draft else {}).items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def progress_of(form: Formulier, answers: dict | None = None) -> Progress:
    return evaluate(form.declaration.parsed(), form.answers if answers is None else answers, attachment_counts(form))


def attachment_counts(form: Formulier, draft: FormDraft | None = None) -> dict[str, int]:
    """Attachments per field: the saved ones, or with ``draft`` what that user sees while filling in."""
    if form.pk is None:
        return {}
    if draft is not None:
        return dict(Counter(a.field for a in working_attachments(form, draft)))
    return dict(form.attachments.values_list("field").annotate(n=Count("pk")).values_list("field", "n"))


def working_attachments(form: Formulier, draft: FormDraft | None) -> list[Attachment]:
    """What the user sees while filling in: the saved attachments without those they removed, and those they
    added since their last save."""
    if form.pk is None:
        return []
    mine = Q(pending_for=draft) if draft is not None and draft.pk else Q(pk__in=[])
    removed = set(draft.removed_attachments) if draft is not None else set()
    found = Attachment.with_pending.filter(Q(form=form) & (Q(pending_for=None) | mine)).select_related("blob")
    return [a for a in found if a.pk not in removed]


def pending_attachments(draft: FormDraft) -> list[Attachment]:
    return list(Attachment.with_pending.filter(pending_for=draft).select_related("blob")) if draft.pk else []


def has_unsaved(draft: FormDraft | None) -> bool:
    if draft is None:
        return False
    if draft.values or draft.invalid or draft.removed_attachments:
        return True
    return bool(draft.pk) and Attachment.with_pending.filter(pending_for=draft).exists()


def unsaved_summary(form: Formulier, draft: FormDraft) -> list[str]:
    """What the user would lose with Annuleer: per changed field its step and label, and the attachments."""
    spec = form.declaration.parsed()
    lines = []
    for key in [*draft.values, *(k for k in draft.invalid if k not in draft.values)]:
        fld = spec.fields.get(key)
        step = spec.step(fld.step) if fld is not None else None
        if fld is not None and step is not None:
            lines.append(f"{step.title} › {fld.label}")
    lines += [_("bijlage toegevoegd: %(name)s") % {"name": a.name} for a in pending_attachments(draft)]
    removed = form.attachments.filter(pk__in=draft.removed_attachments) if draft.removed_attachments else []
    lines += [_("bijlage verwijderd: %(name)s") % {"name": a.name} for a in removed]
    return lines


def has_definitief(pupil: Pupil) -> bool:
    return Aanmelding.objects.filter(pupil=pupil, status=Status.DEFINITIEF).exists()


def form_locked(form: Formulier) -> bool:
    return is_locked(
        school_year=form.pupil.school_year, ever_sent=form.ever_sent, definitief=has_definitief(form.pupil)
    )


def icon_for(form: Formulier | None, pupil: Pupil) -> FormIcon:
    """The state icon of the pupil's current form (students.formstate), for the school's pages."""
    from students.formstate import form_icon

    return form_icon(
        form.state if form else None,
        form.version if form else None,
        school_year=pupil.school_year,
        definitief=has_definitief(pupil),
    )


def snapshots_received_by(user: User) -> QuerySet[Snapshot]:
    """The sent versions that reached the user's mbo-school, of the pupils in the user's scope (nothing for the
    vo side, which reads its forms on its own pages)."""
    if user.role != Role.ROC:
        return Snapshot.objects.none()
    return Snapshot.objects.filter(
        form__pupil__in=pupils_visible_to(user), deliveries__mbo_school_id=user.organisation_id
    )
