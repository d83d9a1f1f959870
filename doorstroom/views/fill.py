"""Doorstroomformulier invullen: one page per step with the step list on the left (and each step's %).

Every button posts the step that is on screen, so nothing typed is lost, with or without JavaScript:
"Verder"/"Terug" and the step list keep it in the user's working copy, "Opslaan" saves it (also when the
form is not complete), "Annuleer" goes back to the last save. Attachments chosen in the step are added to the
working copy with whichever button is pressed, and saved with the rest on "Opslaan". Each page carries the values
its fields showed (signed): a field left as shown is not taken, so a page opened before someone else's save does
not undo it, and a field both changed is a conflict the user settles with a choice (services.resolve_conflicts). Uploads are limited while they arrive (attachments.LimitedUploadHandler), which
is what @upload_limit asks for (accounts/uploads.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.access import AuthenticatedRequest
from accounts.models import User
from accounts.uploads import dropped_files, upload_limit
from audit.models import Action as AuditAction
from audit.services import record_event, record_view
from students.models import Pupil
from students.text import posted_number

from ..access import FormRights, get_pupil_with_form_rights
from ..attachments import MAX_BYTES, add_attachment, remove_attachment, too_large_message
from ..buttons import SEPARATOR, Action
from ..declaration import ATTACHMENT, MAX_ATTACHMENTS, ROWS, Step
from ..declaration import Declaration as Spec
from ..engine import evaluate, record_sources
from ..forms import field_name, read_post, remove_row
from ..models import Attachment, FormDraft, Formulier
from ..records import read_record
from ..selectors import (
    current_declaration,
    current_form,
    effective_answers,
    form_locked,
    has_unsaved,
    open_draft,
    pending_attachments,
    unsaved_summary,
    working_attachments,
)
from ..services import (
    MINE,
    THEIRS,
    apply_input,
    cancel,
    ensure_editable,
    keep_draft,
    resolve_conflicts,
    save,
    start_form,
)
from ..steps import condition_values, items_for, nav
from ..suggestions import Suggestion, all_empty, offers_for, suggestions_for
from .results import pop_result, push_result, text_of

# A request larger than five full attachments and the form is refused with a message (its files were
# already dropped while it arrived; the reverse proxy limits the size of a request as a whole).
MAX_REQUEST = MAX_ATTACHMENTS * MAX_BYTES + 1024 * 1024


def _pupil_url(pupil: Pupil) -> str:
    return reverse("students:leerling", args=[pupil.pk])


def _view_url(pupil: Pupil) -> str:
    return reverse("doorstroom:bekijken", args=[pupil.pk])


@login_required
@upload_limit(MAX_BYTES)
@require_http_methods(["GET", "POST"])
def fill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_REQUEST:
            return HttpResponse(
                _(
                    "Wat u verstuurde is te groot (een bijlage mag hoogstens %(max)s MB zijn). Ga terug en probeer het opnieuw."
                )
                % {"max": MAX_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
    pupil, rights = get_pupil_with_form_rights(request.user, pk)
    form = current_form(pupil)
    if not rights.fill_any:
        return redirect(_view_url(pupil))
    if form is not None and (form.is_sent or form_locked(form)):
        _tell_about_unsaved_input(request, form)
        return redirect(_view_url(pupil))
    if form is None and form_locked_for_new(pupil):
        return redirect(_view_url(pupil))
    if request.method == "POST":
        return _post(request, pupil, rights, form)
    if form is None:
        try:
            declaration = current_declaration(region=pupil.school.region, school_year=pupil.school_year)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_pupil_url(pupil))
        form = Formulier(pupil=pupil, declaration=declaration)  # made on the first post
    return _page(request, pupil, rights, form, step_key=request.GET.get("stap", ""))


def _tell_about_unsaved_input(request: AuthenticatedRequest, form: Formulier) -> None:
    """Someone sent (or locked) the form while this user still had unsaved input: say what it was, so nothing is
    lost without a word (it can go into a correction), and clear it."""
    from ..engine import display

    draft = form.drafts.filter(user=request.user).first()
    if draft is None:
        return
    spec = form.declaration.parsed()
    lines = []
    for key, value in list(draft.values.items()) + list(draft.invalid.items()):
        fld = spec.fields.get(key)
        if fld is not None:
            text = display(fld, value) if key in draft.values else " ".join(map(str, value))
            text = ", ".join(map(str, text)) if isinstance(text, list) else str(text or "–")
            lines.append(f"{fld.label}: {text[:80]}")
    lines += [_("bijlage %(name)s") % {"name": a.name} for a in pending_attachments(draft)]
    if lines:
        messages.warning(
            request,
            _(
                "Het formulier is intussen verzonden of vergrendeld. Wat u nog niet had opgeslagen, staat er niet in: "
                "%(fields)s. Neem het zo nodig op in een correctie."
            )
            % {"fields": "; ".join(lines)},
        )
    draft.delete()


def form_locked_for_new(pupil: Pupil) -> bool:
    from students.formstate import is_locked

    return is_locked(school_year=pupil.school_year, ever_sent=False, definitief=False)


def _page(
    request: AuthenticatedRequest,
    pupil: Pupil,
    rights: FormRights,
    form: Formulier,
    *,
    step_key: str,
    extra_rows: dict[str, int] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
    confirm: Attachment | None = None,
    confirm_cancel: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = form.declaration.parsed()
    draft = open_draft(form=form, user=request.user) if form.pk else None
    answers = effective_answers(form, draft)
    invalid = draft.invalid if draft else {}
    files = working_attachments(form, draft)
    by_field: dict[str, list] = {}
    for item in files:
        by_field.setdefault(item.field, []).append(item)
    progress = evaluate(spec, answers, {k: len(v) for k, v in by_field.items()})
    readable = [s for s in progress.shown_steps if rights.may_read(s.step)]
    step = next((s.step for s in readable if s.step.key == step_key), None)
    if step is None:
        # Where the user was; else the first step they fill in (a zorgcoördinator's first care step).
        wanted = draft.step if draft else ""
        first = next((s.step for s in readable if rights.may_edit(s.step)), readable[0].step)
        step = next((s.step for s in readable if s.step.key == wanted), first)
    position = [s.step.key for s in readable].index(step.key)
    editable = rights.may_edit(step)
    suggestions = _suggestions(request.user, pupil, rights, step, answers, invalid) if editable else {}
    take_all = all_empty(spec, suggestions, answers)
    if suggestions:
        record_view(pupil, summary=_suggestions_summary(suggestions, step, "getoond"))
    result = pop_result(request, form)
    context = {
        "shown": _sign_shown(form, step, answers),
        "conflicts": _conflicts_of(step, form, draft) if editable else [],
        "mine": MINE,
        "theirs": THEIRS,
        "pupil": pupil,
        "form": form,
        "spec": spec,
        "rights": rights,
        "step": step,
        "step_progress": progress.of(step.key),
        "position": position + 1,
        "count": len(readable),
        "previous": readable[position - 1].step if position else None,
        "next": readable[position + 1].step if position + 1 < len(readable) else None,
        "nav": nav(spec, progress, rights, step, invalid),
        "progress": progress,
        "items": items_for(
            step,
            progress,
            answers,
            invalid,
            read_record(pupil, record_sources(spec)),
            by_field,
            editable=editable,
            extra_rows=extra_rows,
            upload_errors=upload_errors,
            suggestions=suggestions,
        ),
        "suggestion_source": next(iter(suggestions.values())).source if suggestions else "",
        "take_all": len(take_all),
        "editable": editable,
        "unsaved": has_unsaved(draft),
        "draft": draft,
        "condition_values": condition_values(spec, answers),
        "attachment_count": len(files),
        "max_attachments": MAX_ATTACHMENTS,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "result": result,
        "confirm": confirm,
        "confirm_cancel": confirm_cancel,
    }
    return render(request, "doorstroom/fill.html", context, status=status)


# --- answers held elsewhere in VOROC (the pupil's own dossier): "Overnemen" --------------------------------


def _suggestions(
    user: User, pupil: Pupil, rights: FormRights, step: Step, answers: dict, invalid: dict
) -> dict[str, Suggestion]:
    return suggestions_for(step, rights, offers_for(user, pupil), answers, invalid)


def _suggestions_summary(suggestions: dict[str, Suggestion], step: Step, what: str) -> str:
    """The audit log's words: which source, which step, how many answers (never the answers themselves)."""
    source = ", ".join(sorted({s.source for s in suggestions.values()}))
    return f"antwoorden uit {source} {what} bij het doorstroomformulier, stap {step.title} ({len(suggestions)})"


def _take_over(post: _Post) -> HttpResponse:
    """ "Overnemen" (one field) or "Alle antwoorden van de leerling overnemen" (the empty fields of the step): the
    answers go into the user's working copy as if typed (the page's own input was taken first); "Opslaan" saves
    them as usual."""
    step = post.step
    post.stay = True
    if step is None or not post.rights.may_edit(step):
        return _move(post)
    answers = effective_answers(post.form, post.draft)
    found = _suggestions(post.user, post.pupil, post.rights, step, answers, post.draft.invalid)
    if post.action == Action.TAKE_OVER:
        chosen = {key: s.value for key, s in found.items() if key == post.argument}
    else:
        chosen = all_empty(post.spec, found, answers)
    if chosen:
        apply_input(
            draft=post.draft,
            keys=list(chosen),
            values=chosen,
            invalid={},
            shown=_read_shown(post.request, post.form, step),
        )
        taken = {key: found[key] for key in chosen}
        record_event(AuditAction.CHANGE, pupil=post.pupil, summary=_suggestions_summary(taken, step, "overgenomen"))
        messages.success(
            post.request,
            ngettext(
                "%(count)d antwoord overgenomen. Klik op “Opslaan” om het te bewaren.",
                "%(count)d antwoorden overgenomen. Klik op “Opslaan” om ze te bewaren.",
                len(chosen),
            )
            % {"count": len(chosen)},
        )
    return _move(post)


# --- what the page showed: a save changes only what the user changed on it ----------------------------------

SHOWN = "getoond"  # the hidden field with the signed {field: value shown}
CHOICE = "keuze-"  # keuze-<field>: MINE or THEIRS, for a field in conflict
_SALT = "doorstroom.fill.shown"


def _sign_shown(form: Formulier, step: Step, answers: dict) -> str:
    """The values the step's fields show, signed into the page: what the user's input is measured against
    (services.apply_input), not what happens to be saved when they post."""
    shown = {f.key: answers.get(f.key) for f in step.fields}
    return signing.dumps({"form": form.pk, "step": step.key, "values": shown}, salt=_SALT, compress=True)


def _read_shown(post: HttpRequest, form: Formulier, step: Step) -> dict | None:
    """What the posted page showed; None for a page without it (or one for another form or step)."""
    try:
        data = signing.loads(post.POST.get(SHOWN, ""), salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("form") not in (None, form.pk) or data.get("step") != step.key:
        return None
    values = data.get("values")
    return values if isinstance(values, dict) else None


@dataclass
class ConflictView:
    key: str
    label: str
    theirs: str
    mine: str
    by: str
    at: object


def _conflicts_of(step: Step, form: Formulier, draft: FormDraft | None) -> list[ConflictView]:
    """The fields of this step someone else saved while this user changed them: both values, to choose from."""
    from ..engine import display

    if draft is None or not draft.conflicts:
        return []
    found = []
    for fld in step.fields:
        about = draft.conflicts.get(fld.key)
        if about is None:
            continue
        found.append(
            ConflictView(
                key=fld.key,
                label=fld.label,
                theirs=text_of(display(fld, form.answers.get(fld.key))),
                mine=text_of(display(fld, draft.values.get(fld.key))),
                by=about.get("by") or _("iemand anders"),
                at=parse_datetime(about.get("at") or ""),
            )
        )
    return found


@dataclass
class _Post:
    """One post of the form page: what the handler of the button that was pressed works with."""

    request: AuthenticatedRequest
    pupil: Pupil
    rights: FormRights
    form: Formulier
    action: Action | None
    argument: str
    spec: Spec
    step: Step | None
    draft: FormDraft
    extra_rows: dict[str, int] = field(default_factory=dict)
    upload_errors: dict[str, list[str]] = field(default_factory=dict)
    stay: bool = False  # back to the same step (a row added, input to correct, an attachment refused)

    @property
    def user(self) -> User:
        return self.request.user  # the view is login_required

    @property
    def step_key(self) -> str:
        return self.step.key if self.step else ""

    def page(self, **kwargs: Any) -> HttpResponse:
        return _page(self.request, self.pupil, self.rights, self.form, **kwargs)

    def redirect_to_step(self, step_key: str) -> HttpResponse:
        return redirect(f"{reverse('doorstroom:formulier', args=[self.pupil.pk])}?stap={step_key}")


def _post(request: AuthenticatedRequest, pupil: Pupil, rights: FormRights, form: Formulier | None) -> HttpResponse:
    """Every button posts the step on screen: its input goes into the working copy first (with the button's own
    change to it: a row, an attachment), then the button decides where the user goes (FINISH; else _move)."""
    action, argument = Action.parse(request.POST.get("actie", ""))
    try:
        form = form or start_form(pupil=pupil, by=request.user)
        ensure_editable(form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_view_url(pupil) if form else _pupil_url(pupil))
    if action == Action.CANCEL_CONFIRMED:  # what was typed on this page is thrown away too
        cancel(form=form, user=request.user)
        messages.info(request, _("Het formulier staat weer zoals het de laatste keer is opgeslagen."))
        return redirect(_pupil_url(pupil))
    spec = form.declaration.parsed()
    post = _Post(
        request=request,
        pupil=pupil,
        rights=rights,
        form=form,
        action=action,
        argument=argument,
        spec=spec,
        step=spec.step(request.POST.get("stap", "")),
        draft=open_draft(form=form, user=request.user),
    )
    if post.step is not None and rights.may_edit(post.step):
        asked = _take_input(post, post.step)
        if asked is not None:
            return asked
    elif request.FILES:
        raise PermissionDenied  # files for a step this user may not change
    finish = FINISH.get(action) if action is not None else None
    return (finish or _move)(post)


def _take_input(post: _Post, step: Step) -> HttpResponse | None:
    """The step's input into the working copy, with the button's change to it; a page when the button asks first."""
    keys = [f.key for f in step.fields]
    values, invalid = read_post(step, post.request.POST, set(keys))
    edit_rows = ROW_BUTTONS.get(post.action) if post.action is not None else None
    if edit_rows is not None:
        edit_rows(post, values, invalid)
    choices = {key: post.request.POST.get(CHOICE + key, "") for key in keys if CHOICE + key in post.request.POST}
    for key in resolve_conflicts(draft=post.draft, choices=choices):  # "their value": this input is dropped
        values.pop(key, None)
        invalid.pop(key, None)
    shown = _read_shown(post.request, post.form, step)
    apply_input(draft=post.draft, keys=keys, values=values, invalid=invalid, shown=shown)
    post.upload_errors = _uploads(post.request, post.form, post.draft, step)
    post.stay = post.stay or bool(post.upload_errors) or any(k in post.draft.invalid for k in keys)
    on_attachment = ATTACHMENT_BUTTONS.get(post.action) if post.action is not None else None
    if on_attachment is None:
        return None
    found = next(
        (a for a in working_attachments(post.form, post.draft) if str(a.pk) == post.argument and a.field in keys),
        None,
    )
    return on_attachment(post, step, found)


# --- rows: the step's input changes before it goes into the working copy -----------------------------------


def _add_row(post: _Post, values: dict, invalid: dict) -> None:
    """ "Stage toevoegen": one more empty row on this step."""
    post.extra_rows[post.argument] = 1
    post.stay = True


def _remove_row(post: _Post, values: dict, invalid: dict) -> None:
    key, _sep, index = post.argument.partition(SEPARATOR)
    fld = post.spec.fields.get(key)
    row = posted_number(index)
    if fld is not None and fld.type == ROWS and row is not None:
        remove_row(fld, row, post.request.POST, values, invalid)
    post.stay = True


ROW_BUTTONS: dict[Action, Callable[[_Post, dict, dict], None]] = {
    Action.ADD_ROW: _add_row,
    Action.REMOVE_ROW: _remove_row,
}


# --- attachments of the step: removing one asks first ------------------------------------------------------


def _ask_to_remove_attachment(post: _Post, step: Step, found: Attachment | None) -> HttpResponse | None:
    keep_draft(post.draft)
    return post.page(step_key=step.key, confirm=found)


def _remove_attachment(post: _Post, step: Step, found: Attachment | None) -> HttpResponse | None:
    if found is not None:
        try:
            remove_attachment(draft=post.draft, attachment=found)
            messages.success(post.request, _("De bijlage “%(name)s” is verwijderd.") % {"name": found.name})
        except ValidationError as exc:
            messages.error(post.request, " ".join(exc.messages))
    post.stay = True
    return None


ATTACHMENT_BUTTONS: dict[Action, Callable[[_Post, Step, Attachment | None], HttpResponse | None]] = {
    Action.REMOVE_ATTACHMENT: _ask_to_remove_attachment,
    Action.REMOVE_ATTACHMENT_CONFIRMED: _remove_attachment,
}


# --- where the user goes: Annuleer, Opslaan, or another step ------------------------------------------------


def _cancel(post: _Post) -> HttpResponse:
    """Annuleer throws away what was not saved: ask first when there is something (this page's input included)."""
    if not has_unsaved(post.draft):
        cancel(form=post.form, user=post.user)
        return redirect(_pupil_url(post.pupil))
    keep_draft(post.draft)
    return post.page(step_key=post.step_key, confirm_cancel=unsaved_summary(post.form, post.draft))


def _save(post: _Post) -> HttpResponse:
    try:
        result = save(form=post.form, draft=post.draft, rights=post.rights, by=post.user)
    except ValidationError as exc:
        keep_draft(post.draft)
        messages.error(post.request, " ".join(exc.messages))
        return redirect(_view_url(post.pupil))
    push_result(post.request, result, post.draft)
    if post.upload_errors:
        return _page(
            post.request,
            post.pupil,
            post.rights,
            result.form,
            step_key=post.step_key,
            upload_errors=post.upload_errors,
        )
    return post.redirect_to_step(post.step_key)


def _move(post: _Post) -> HttpResponse:
    """Verder, Terug, a step in the list, or back to the same step (a row, an attachment, "Nee"): the input is
    kept in the working copy."""
    target = _target(post)
    post.draft.step = target
    keep_draft(post.draft)
    if post.extra_rows or post.upload_errors:
        return post.page(step_key=target, extra_rows=post.extra_rows, upload_errors=post.upload_errors)
    if post.stay and post.step is not None and any(f.key in post.draft.invalid for f in post.step.fields):
        messages.warning(
            post.request,
            _(
                "Controleer de rood gemarkeerde velden. Wat u typte staat er nog, maar is pas op te slaan als het klopt."
            ),
        )
    return post.redirect_to_step(target)


FINISH: dict[Action, Callable[[_Post], HttpResponse]] = {
    Action.CANCEL: _cancel,
    Action.SAVE: _save,
    Action.TAKE_OVER: _take_over,
    Action.TAKE_OVER_ALL: _take_over,
}


def _target(post: _Post) -> str:
    step = post.step
    if step is None:
        return ""
    if post.stay:
        return step.key
    from ..selectors import attachment_counts

    answers = effective_answers(post.form, post.draft)
    counts = attachment_counts(post.form, post.draft)
    shown = [s.step.key for s in evaluate(post.spec, answers, counts).shown_steps]
    if post.action == Action.GO_TO:
        return post.argument if post.argument in shown else step.key
    if step.key not in shown:  # this step disappeared by its own answer: go on from where it was
        order = {s.key: n for n, s in enumerate(post.spec.steps)}
        later = [k for k in shown if order[k] > order[step.key]]
        return later[0] if later else shown[-1]
    index = shown.index(step.key)
    if post.action == Action.NEXT:
        return shown[min(index + 1, len(shown) - 1)]
    if post.action == Action.BACK:
        return shown[max(index - 1, 0)]
    return step.key


def _uploads(request: HttpRequest, form: Formulier, draft: FormDraft, step: Step) -> dict[str, list[str]]:
    """Add the files chosen in this step's attachment fields to the working copy; say per field what was refused
    and why."""
    errors: dict[str, list[str]] = {}
    names = {field_name(f.key): f.key for f in step.fields if f.type == ATTACHMENT}
    for posted_name, dropped in dropped_files(request):
        key = names.get(posted_name)
        if key is not None:
            errors.setdefault(key, []).append(too_large_message(dropped))
    for name, key in names.items():
        for upload in request.FILES.getlist(name):
            try:
                add_attachment(form=form, draft=draft, field_key=key, upload=upload)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
            else:
                messages.success(request, _("“%(name)s” is toegevoegd.") % {"name": upload.name})
    return errors
