"""Writes on doorstroomformulieren: start, fill in (a working copy per user), save, cancel, approve, correct.

States: not started → deels ingevuld → compleet → geaccordeerd (a decaan approves a complete form) →
verzonden (sending.py, after commit). A change to an approved form that is not sent yet drops the approval;
a sent version does not change any more: a correction is a new version. Every save knows which fields
changed (old → new) and sends them with ``signals.form_saved``. What a write reads is in selectors.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from students.formstate import is_locked
from students.models import Pupil

from . import consent, signals
from .access import FormRights
from .declaration import Declaration as Spec
from .declaration import Field
from .engine import Progress
from .models import Attachment, FormDraft, FormRevision, Formulier
from .selectors import current_declaration, current_form, form_locked, has_unsaved, pending_attachments, progress_of

State = Formulier.State


def user_name(user: User | None) -> str:
    return (user.full_name or user.username) if user else ""


# --- what a write checks -------------------------------------------------------------------------------------


def ensure_editable(form: Formulier) -> None:
    if form.is_sent:
        raise ValidationError(
            _(
                "Dit formulier is verzonden naar het mbo en kan niet meer veranderen. Maak een correctie (nieuwe versie)."
            )
        )
    if form_locked(form):
        raise ValidationError(_("Dit formulier is vergrendeld: wijzigen is niet meer mogelijk."))
    if not form.is_current:
        raise ValidationError(_("Dit is een oudere versie van het formulier; die verandert niet meer."))


def editable_keys(spec: Spec, rights: FormRights) -> set[str]:
    return {f.key for step in spec.steps if rights.may_edit(step) for f in step.fields}


def _state_for(form: Formulier, progress: Progress, *, changed: bool) -> str:
    if form.state == State.GEACCORDEERD and not changed and progress.ready_to_approve:
        return State.GEACCORDEERD
    if progress.complete:
        return State.COMPLEET
    if form.answers or (form.pk and form.attachments.exists()):
        return State.DEELS
    return State.NIEUW


def refresh_state(form: Formulier, *, changed: bool, by: User | None) -> bool:
    """Recompute completion and state after a change; returns whether an approval was dropped."""
    progress = progress_of(form)
    form.state, old_state = _state_for(form, progress, changed=changed), form.state
    dropped = old_state == State.GEACCORDEERD and form.state != State.GEACCORDEERD
    form.percent = progress.percent
    form.care_complete = progress.care_complete
    form.consent_given = progress.consent
    if dropped:
        form.approved_by, form.approved_by_name, form.approved_at = None, "", None
        FormRevision.objects.create(
            form=form, action=FormRevision.Action.APPROVAL_DROPPED, user=by, user_name=user_name(by)
        )
    return dropped


# --- starting ---------------------------------------------------------------------------------------------


@transaction.atomic
def start_form(*, pupil: Pupil, by: User | None) -> Formulier:
    """The pupil's current form, made (version 1, under the current declaration) when there is none yet."""
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    existing = current_form(pupil)
    if existing is not None:
        return existing
    if is_locked(school_year=pupil.school_year, ever_sent=False, definitief=False):
        raise ValidationError(_("Het schooljaar van deze leerling is voorbij; er kan geen formulier meer bij."))
    declaration = current_declaration(region=pupil.school.region, school_year=pupil.school_year)
    form = Formulier(pupil=pupil, declaration=declaration, created_by=by, updated_by_name=user_name(by))
    form.full_clean()
    form.save()
    return form


# --- the working copy ("Verder", "Terug") ------------------------------------------------------------------


def apply_input(
    *,
    draft: FormDraft,
    keys: list[str],
    values: dict[str, Any],
    invalid: dict[str, Any],
    shown: dict[str, Any] | None = None,
) -> None:
    """Put one step's posted input in the working copy. ``draft.values`` holds only what differs from the
    saved answers (None: emptied), ``draft.base`` the value each change started from.

    ``shown`` is what the page showed in each field when it was built (views/fill.py signs it into the page). A
    field whose input equals what was shown was not changed by this user: it is not taken, so a value someone
    else saved after the page was built stays as it is. A changed field starts from what was shown, so a save
    notices when someone else saved that field meanwhile. Without ``shown`` (a page from before it was sent
    along) the saved answers of now are the start, as before."""
    saved = draft.form.answers
    for key in keys:
        if key in invalid:
            draft.invalid[key] = invalid[key]
            continue
        if key not in values:
            continue
        draft.invalid.pop(key, None)
        new = values[key]
        if shown is not None and key in shown and new == shown[key]:
            continue  # not changed on this page
        if key not in draft.values:
            if new == saved.get(key):
                continue
            draft.base[key] = shown[key] if shown is not None and key in shown else saved.get(key)
            draft.values[key] = new
        elif new == draft.base.get(key) and new == saved.get(key):
            draft.values.pop(key)
            draft.base.pop(key, None)
            draft.conflicts.pop(key, None)
        else:
            draft.values[key] = new


MINE, THEIRS = "mijn", "hun"


def resolve_conflicts(*, draft: FormDraft, choices: dict[str, str]) -> set[str]:
    """The user's choice per field in conflict (``MINE`` or ``THEIRS``). With THEIRS the field goes back to
    the saved value (their own input for it is dropped); with MINE their value is saved on the next Opslaan,
    unless someone saved that field yet again. Returns the fields that went back to the saved value."""
    dropped = set()
    for key, choice in choices.items():
        if key not in draft.conflicts or choice not in (MINE, THEIRS):
            continue
        del draft.conflicts[key]
        if choice == THEIRS:
            draft.values.pop(key, None)
            draft.base.pop(key, None)
            draft.invalid.pop(key, None)
            dropped.add(key)
    return dropped


def keep_draft(draft: FormDraft) -> None:
    """Store the working copy, or remove it when nothing in it differs from what is saved."""
    if has_unsaved(draft):
        draft.save()
    elif draft.pk:
        draft.delete()


def cancel(*, form: Formulier, user: User) -> None:
    """Annuleer: back to the last save, attachments included (those added since go, removed ones come back)."""
    FormDraft.objects.filter(form=form, user=user).delete()  # its added attachments go with it (cascade)


# --- Opslaan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    step: str
    old: Any
    new: Any


@dataclass
class Conflict:
    field: Field
    theirs: Any
    mine: Any


@dataclass
class SaveResult:
    form: Formulier
    progress: Progress
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    approval_dropped: bool = False
    left_out: list[str] = field(default_factory=list)  # changes in steps this user may not edit


@transaction.atomic
def save(*, form: Formulier, draft: FormDraft, rights: FormRights, by: User) -> SaveResult:
    """Opslaan: the user's changes go into the saved answers, also when the form is not complete.

    Only fields of steps the user may edit count. A field someone else saved meanwhile (since this user's
    change started) is not overwritten: it is reported and stays in the working copy, as does input that
    is not valid yet."""
    form = Formulier.objects.select_for_update().select_related("declaration", "pupil", "pupil__school").get(pk=form.pk)
    ensure_editable(form)
    spec = form.declaration.parsed()
    editable = editable_keys(spec, rights)
    answers = dict(form.answers)
    changes, conflicts, left_out = [], [], []
    for key, new in draft.values.items():
        fld = spec.fields.get(key)
        if fld is None:
            continue
        if key not in editable:
            left_out.append(key)
            continue
        current, started_from = answers.get(key), draft.base.get(key)
        if current == new:
            continue
        if current != started_from or key in draft.conflicts:  # not until the user chose (resolve_conflicts)
            conflicts.append(Conflict(fld, current, new))
            continue
        changes.append(FieldChange(key, fld.label, fld.step, current, new))
        if new is None:
            answers.pop(key, None)
        else:
            answers[key] = new
    form.answers = answers
    changes += _save_attachments(form, draft, spec, editable, by)
    dropped = refresh_state(form, changed=bool(changes), by=by)
    if changes:
        form.updated_by_name = user_name(by)
        FormRevision.objects.create(
            form=form,
            action=FormRevision.Action.SAVED,
            fields=sorted({c.key for c in changes}),
            user=by,
            user_name=user_name(by),
        )
    form.full_clean()
    form.save()
    if changes:
        signals.form_saved.send(sender=Formulier, form=form, user=by, changes=changes)
    # What could not be saved stays in the working copy, now measured against what is saved.
    draft.form = form
    draft.values = {c.field.key: c.mine for c in conflicts}
    draft.base = {c.field.key: c.theirs for c in conflicts}
    draft.conflicts = _saved_by(form, [c.field.key for c in conflicts])
    draft.removed_attachments = []
    keep_draft(draft)
    return SaveResult(form, progress_of(form), changes, conflicts, dropped, left_out)


def _saved_by(form: Formulier, keys: list[str]) -> dict[str, dict[str, str]]:
    """Per field: who saved its current value and when (the newest save that changed it)."""
    found: dict[str, dict[str, str]] = {}
    if not keys:
        return found
    for revision in FormRevision.objects.filter(form=form, action=FormRevision.Action.SAVED).order_by("-at", "-pk"):
        for key in keys:
            if key in revision.fields and key not in found:
                found[key] = {"by": revision.user_name, "at": revision.at.isoformat()}
        if len(found) == len(keys):
            break
    at = (form.updated_at or timezone.now()).isoformat()
    return {key: found.get(key, {"by": form.updated_by_name, "at": at}) for key in keys}


def _save_attachments(form: Formulier, draft: FormDraft, spec: Spec, editable: set[str], by: User) -> list[FieldChange]:
    """The attachments this user added or removed since their last save become part of the form (within the
    limits, counted again now: someone else may have added some meanwhile). Returns a change per field."""
    from .declaration import MAX_ATTACHMENTS

    added = [a for a in pending_attachments(draft) if a.field in editable]
    removed = [a for a in form.attachments.filter(pk__in=draft.removed_attachments) if a.field in editable]
    if not added and not removed:
        return []
    before: dict[str, list[str]] = {}
    for a in form.attachments.all():
        before.setdefault(a.field, []).append(a.name)
    after = {key: list(names) for key, names in before.items()}
    for a in removed:
        after[a.field].remove(a.name)
    for a in added:
        after.setdefault(a.field, []).append(a.name)
    if sum(map(len, after.values())) > MAX_ATTACHMENTS:
        raise ValidationError(
            _(
                "Er is niets opgeslagen: met uw nieuwe bijlagen zou het formulier meer dan %(max)s bijlagen hebben "
                "(iemand anders heeft er intussen ook toegevoegd). Verwijder er een en sla opnieuw op."
            )
            % {"max": MAX_ATTACHMENTS}
        )
    for key, names in after.items():
        fld = spec.fields.get(key)
        if fld is not None and len(names) > fld.max_files:
            raise ValidationError(
                _(
                    "Er is niets opgeslagen: bij “%(field)s” hoort hoogstens %(max)s bestand, en er is intussen al "
                    "een opgeslagen. Verwijder er een en sla opnieuw op."
                )
                % {"field": fld.label, "max": fld.max_files}
            )
    Attachment.with_pending.filter(pk__in=[a.pk for a in added]).update(pending_for=None)
    for a in removed:
        a.delete()  # the stored file goes when nothing else points to it (receivers.release_blob)
    for action, items in ((FormRevision.Action.ATTACHED, added), (FormRevision.Action.DETACHED, removed)):
        for a in items:
            FormRevision.objects.create(form=form, action=action, note=a.name, user=by, user_name=user_name(by))
    changed = {a.field for a in added} | {a.field for a in removed}
    return [
        FieldChange(key, spec.fields[key].label, spec.fields[key].step, before.get(key, []), after.get(key, []))
        for key in sorted(changed)
        if key in spec.fields
    ]


# --- accorderen, correctie ------------------------------------------------------------------------------


@transaction.atomic
def approve(*, form: Formulier, by: User) -> Formulier:
    """A decaan approves a complete form that has the consent of the pupil and the parents (consent.py); it is
    sent after the commit (sending.py). Without the consent nothing changes and the reason is raised."""
    from .tasks import send_form

    form = Formulier.objects.select_for_update().select_related("declaration", "pupil", "pupil__school").get(pk=form.pk)
    ensure_editable(form)
    if form.state == State.GEACCORDEERD:
        return form
    progress = progress_of(form)
    if not progress.complete:
        raise ValidationError(
            _("Het formulier is nog niet compleet; alleen een compleet formulier kan worden geaccordeerd.")
        )
    if not progress.consent:
        raise ValidationError(str(consent.MISSING))
    form.state = State.GEACCORDEERD
    form.approved_by, form.approved_by_name, form.approved_at = by, user_name(by), timezone.now()
    # Not "laatst opgeslagen": approving changes no answer (the approval shows with its own name and time).
    form.save(update_fields=["state", "approved_by", "approved_by_name", "approved_at"])
    FormRevision.objects.create(form=form, action=FormRevision.Action.APPROVED, user=by, user_name=user_name(by))
    # robust: with the broker down the approval stands; the hourly deliver_missing_forms sends it
    transaction.on_commit(lambda: send_form.delay(form.pk), robust=True)
    return form


@transaction.atomic
def withdraw_approval(*, form: Formulier, by: User) -> Formulier:
    form = Formulier.objects.select_for_update().select_related("pupil").get(pk=form.pk)
    ensure_editable(form)
    if form.state != State.GEACCORDEERD:
        return form
    form.state = State.COMPLEET
    form.approved_by, form.approved_by_name, form.approved_at = None, "", None
    form.save(update_fields=["state", "approved_by", "approved_by_name", "approved_at"])
    FormRevision.objects.create(form=form, action=FormRevision.Action.UNAPPROVED, user=by, user_name=user_name(by))
    return form


@transaction.atomic
def start_correction(*, form: Formulier, by: User | None) -> Formulier:
    """A new version from the sent one: the same answers and attachments, to change, approve and send again.
    The sent version and what the mbo received stay as they are."""
    from .models import Attachment

    Pupil.objects.select_for_update().filter(pk=form.pupil_id).first()
    form = Formulier.objects.select_related("declaration", "pupil", "pupil__school").get(pk=form.pk)
    if not form.is_current or not form.is_sent:
        raise ValidationError(_("Alleen de laatst verzonden versie kan worden gecorrigeerd."))
    if form_locked(form):
        raise ValidationError(_("Dit formulier is vergrendeld: een correctie is niet meer mogelijk."))
    Formulier.objects.filter(pk=form.pk).update(is_current=False)
    correction = Formulier(
        pupil=form.pupil,
        version=form.version + 1,
        declaration=form.declaration,  # the version it was filled under, so nothing is lost
        answers=dict(form.answers),
        created_by=by,
        updated_by_name=user_name(by),
    )
    correction.full_clean()
    correction.save()
    Attachment.objects.bulk_create(
        [
            Attachment(
                form=correction,
                field=a.field,
                name=a.name,
                blob_id=a.blob_id,
                uploaded_by_id=a.uploaded_by_id,
                uploaded_by_name=a.uploaded_by_name,
                uploaded_at=a.uploaded_at,
            )
            for a in form.attachments.all()
        ]
    )
    refresh_state(correction, changed=False, by=by)
    correction.save()
    note = _("versie %(version)s") % {"version": correction.version}
    for item in (form, correction):
        FormRevision.objects.create(
            form=item, action=FormRevision.Action.CORRECTION, note=note, user=by, user_name=user_name(by)
        )
    return correction
