"""What "Opslaan" says: fully filled in (with the PDF offered), or what is still missing per step; what could
not be saved (input that is not valid yet, a field someone else changed meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from accounts.access import AuthenticatedRequest

from ..engine import StepProgress, display
from ..forms import invalid_messages
from ..models import FormDraft, Formulier
from ..selectors import open_draft, progress_of
from ..services import SaveResult

SESSION_KEY = "doorstroom_saved"


def push_result(request: HttpRequest, result: SaveResult, draft: FormDraft) -> None:
    request.session[SESSION_KEY] = {
        "form": result.form.pk,
        "changes": len(result.changes),
        "dropped": result.approval_dropped,
        "conflicts": [c.field.key for c in result.conflicts],
        "left_out": result.left_out,
    }


@dataclass
class Unsaved:
    step_title: str
    label: str
    reasons: list[str]


@dataclass
class ResultView:
    complete: bool
    percent: int
    changes: int
    approval_dropped: bool
    missing: list[StepProgress] = field(default_factory=list)
    invalid: list[Unsaved] = field(default_factory=list)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # label, saved by someone else, yours
    left_out: list[str] = field(default_factory=list)

    @property
    def held_back(self) -> int:
        """How many fields were not saved (not valid yet, or saved by someone else meanwhile)."""
        return len(self.invalid) + len(self.conflicts)


def pop_result(request: AuthenticatedRequest, form: Formulier) -> ResultView | None:
    data = request.session.get(SESSION_KEY)
    if not data or form.pk is None or data.get("form") != form.pk:
        return None
    del request.session[SESSION_KEY]
    spec = form.declaration.parsed()
    progress = progress_of(form)
    draft = open_draft(form=form, user=request.user)
    invalid = []
    for step in spec.steps:
        for wrong, reasons in invalid_messages(step, draft.invalid):
            invalid.append(Unsaved(step.title, wrong.label, reasons))
    conflicts = []
    for key in data.get("conflicts", []):
        fld = spec.fields.get(key)
        if fld is not None:
            conflicts.append(
                (fld.label, text_of(display(fld, form.answers.get(key))), text_of(display(fld, draft.values.get(key))))
            )
    return ResultView(
        complete=progress.complete and not invalid and not conflicts,
        percent=progress.percent,
        changes=data.get("changes", 0),
        approval_dropped=data.get("dropped", False),
        missing=progress.incomplete_steps,
        invalid=invalid,
        conflicts=conflicts,
        left_out=[spec.fields[k].label for k in data.get("left_out", []) if k in spec.fields],
    )


def text_of(value: Any) -> str:
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return "; ".join(", ".join(t for _l, t in row if t) for row in value)
        return ", ".join(value)
    return str(value or "–")
