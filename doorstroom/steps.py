"""What the fill-in page shows for a step: its fields as inputs (or read-only), grouped for the template, and
the step list on the left with the completion of each step."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .access import FormRights
from .declaration import ATTACHMENT, RECORD, ROWS, SCORE, Declaration, Field, Step
from .engine import Progress, display
from .forms import bound_step, conditions_json, field_name
from .records import display as record_display


@dataclass
class Item:
    """One thing in a step: an input, repeatable rows, a block of scores, a record value or attachments."""

    kind: str  # input | rows | scores | record | attachment
    field: Field
    shown: bool
    condition: str = ""
    bound: Any = None
    formset: Any = None
    # [(Field, BoundField, Suggestion | None)] for a block of score fields
    scores: list = dataclasses.field(default_factory=list)
    text: Any = ""
    attachments: list = dataclasses.field(default_factory=list)
    upload_errors: list[str] = dataclasses.field(default_factory=list)
    suggestion: Any = None  # an answer held elsewhere in VOROC, to take over (suggestions.py)

    @property
    def name(self) -> str:
        return field_name(self.field.key)


@dataclass
class NavStep:
    step: Step
    number: int
    shown: bool
    percent: int
    required: int
    condition: str
    current: bool
    editable: bool
    has_invalid: bool


def nav(spec: Declaration, progress: Progress, rights: FormRights, current: Step, invalid: dict) -> list[NavStep]:
    items = []
    number = 0
    for step_progress in progress.steps:
        step = step_progress.step
        if not rights.may_read(step):
            continue
        number += 1 if step_progress.shown else 0
        items.append(
            NavStep(
                step=step,
                number=number,
                shown=step_progress.shown,
                percent=step_progress.percent,
                required=step_progress.required,
                condition=conditions_json(step),
                current=step.key == current.key,
                editable=rights.may_edit(step),
                has_invalid=any(f.key in invalid for f in step.fields),
            )
        )
    return items


def items_for(
    step: Step,
    progress: Progress,
    answers: dict,
    invalid: dict,
    record: dict,
    attachments: dict[str, list],
    *,
    editable: bool,
    extra_rows: dict[str, int] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
    suggestions: Mapping[str, Any] | None = None,
) -> list[Item]:
    shown = {f.key for f in progress.of(step.key).fields}
    suggestions = suggestions or {}
    form, formsets = bound_step(step, answers, invalid, extra_rows=extra_rows)
    items: list[Item] = []
    for fld in step.fields:

        def item(kind: str, fld: Field = fld, **values: Any) -> Item:
            return Item(kind=kind, field=fld, shown=fld.key in shown, condition=conditions_json(fld), **values)

        if fld.type == RECORD:
            items.append(item("record", text=record_display(fld.source, record.get(fld.source))))
        elif fld.type == ATTACHMENT:
            errors = (upload_errors or {}).get(fld.key, [])
            items.append(item("attachment", attachments=attachments.get(fld.key, []), upload_errors=errors))
        elif not editable:
            items.append(item("readonly", text=display(fld, answers.get(fld.key))))
        elif fld.type == ROWS:
            items.append(item("rows", formset=formsets[fld.key], suggestion=suggestions.get(fld.key)))
        elif fld.type == SCORE:
            score = (fld, form[fld.key], suggestions.get(fld.key))
            previous = items[-1] if items else None
            if previous and previous.kind == "scores" and not fld.show_if and not previous.field.show_if:
                previous.scores.append(score)
            else:
                items.append(item("scores", scores=[score]))
        else:
            items.append(item("input", bound=form[fld.key], suggestion=suggestions.get(fld.key)))
    return items


def condition_values(spec: Declaration, answers: dict) -> str:
    """The answers the browser needs to show or hide steps and fields (the sources of conditions only)."""
    sources: set[str] = set()
    for step in spec.steps:
        if step.show_if:
            sources.update(step.show_if.sources())
        for fld in step.fields:
            if fld.show_if:
                sources.update(fld.show_if.sources())
    return json.dumps({key: answers.get(key) for key in sorted(sources)})
