"""What a filled form looks like under its declaration: which steps and fields are shown, how complete
each step is, and the answers as text (for the read-only view, the PDF and the snapshot).

Pure functions on a parsed declaration and a dict of answers (key → value), so the same rules hold in
the browser pages, the PDF, the overview's state and the tests.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format

from . import records
from .declaration import (
    ATTACHMENT,
    CHOICE,
    DATE,
    MULTICHOICE,
    NUMBER,
    RECORD,
    ROWS,
    SCORE,
    YESNO,
    Declaration,
    Field,
    Step,
    is_filled,
)


def normalise(value: Any) -> Any:
    """Empty answers are absent: "", "  ", [] and None all become None; text is stripped."""
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, list):
        value = [v for v in value if is_filled(v)] if value and not isinstance(value[0], dict) else value
    return value if is_filled(value) else None


def normalised(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ((k, normalise(v)) for k, v in answers.items()) if v is not None}


class Measured:
    """Something with required answers of which some are given: a step, a form, a pupil's dossier and its parts
    (each has ``required`` and ``filled``, as fields or as properties)."""

    if TYPE_CHECKING:

        @property
        def required(self) -> int: ...

        @property
        def filled(self) -> int: ...

    @property
    def percent(self) -> int:
        return 100 if not self.required else int(100 * self.filled / self.required)

    @property
    def complete(self) -> bool:
        return self.filled == self.required


@dataclass
class StepProgress(Measured):
    step: Step
    shown: bool
    fields: list[Field] = dataclasses.field(default_factory=list)  # the shown fields
    required: int = 0
    filled: int = 0
    missing: list[Field] = dataclasses.field(default_factory=list)


@dataclass
class Progress(Measured):
    steps: list[StepProgress]
    # The consent question is shown and answered with the consent (declaration.Declaration.consent_field).
    consent: bool = False

    @property
    def shown_steps(self) -> list[StepProgress]:
        return [s for s in self.steps if s.shown]

    @property
    def shown_fields(self) -> set[str]:
        return {f.key for s in self.shown_steps for f in s.fields}

    @property
    def required(self) -> int:
        return sum(s.required for s in self.shown_steps)

    @property
    def filled(self) -> int:
        return sum(s.filled for s in self.shown_steps)

    @property
    def ready_to_approve(self) -> bool:
        """Complete, with the consent of the pupil and the parents: only such a form is approved and sent. A form
        answered "Nee" (or not at all) can be complete as a document (printed, mailed), never approved."""
        return self.complete and self.consent

    @property
    def care_complete(self) -> bool:
        """Every shown care step complete (what the zorgcoördinator still has to do, or not)."""
        return all(s.complete for s in self.shown_steps if s.step.care)

    @property
    def incomplete_steps(self) -> list[StepProgress]:
        return [s for s in self.shown_steps if not s.complete]

    def of(self, key: str) -> StepProgress:
        return next(s for s in self.steps if s.step.key == key)


def answer_filled(fld: Field, answers: Mapping[str, Any], attachments: Mapping[str, int]) -> bool:
    if fld.type == ATTACHMENT:
        return attachments.get(fld.key, 0) > 0
    return is_filled(answers.get(fld.key))


def evaluate(
    declaration: Declaration, answers: Mapping[str, Any], attachments: Mapping[str, int] | None = None
) -> Progress:
    """Steps top to bottom: an element is shown when its condition holds on the answers shown so far (a hidden
    field counts as empty); only required fields of shown steps count towards completion."""
    attachments = attachments or {}
    effective: dict[str, Any] = {}
    steps = []
    for step in declaration.steps:
        shown = step.show_if is None or step.show_if.holds(effective)
        progress = StepProgress(step=step, shown=shown)
        # A hidden step is measured too (the browser may show it at once), but its answers count for nothing.
        seen = effective if shown else dict(effective)
        for fld in step.fields:
            if fld.show_if is not None and not fld.show_if.holds(seen):
                continue
            progress.fields.append(fld)
            if fld.is_answer:
                seen[fld.key] = answers.get(fld.key)
            if fld.required:
                progress.required += 1
                if answer_filled(fld, answers, attachments):
                    progress.filled += 1
                else:
                    progress.missing.append(fld)
        steps.append(progress)
    return Progress(steps=steps, consent=consent_given(declaration, answers, steps))


def consent_given(declaration: Declaration, answers: Mapping[str, Any], steps: list[StepProgress]) -> bool:
    """The consent question is shown and has the answer that gives the consent."""
    question = declaration.consent_field
    if question is None:
        return False  # a questionnaire that does not ask for consent never has it
    shown = any(f.key == question.key for s in steps if s.shown for f in s.fields)
    return shown and answers.get(question.key) == question.consent


# --- the answers as text -----------------------------------------------------------------------------------


def display(fld: Field, value: Any) -> Any:
    """An answer as the reader sees it: text, a list of texts (multiple choice), or rows of (label, text)."""
    if not is_filled(value):
        return ""
    if fld.type in (CHOICE, SCORE, YESNO):
        return fld.choice_label(value)
    if fld.type == MULTICHOICE:
        return [fld.choice_label(v) for v in value]
    if fld.type == DATE:
        try:
            return date_format(datetime.date.fromisoformat(value), "j F Y")
        except (TypeError, ValueError):
            return str(value)
    if fld.type == NUMBER:
        return str(value)
    if fld.type == ROWS:
        return [[(c.label, display(c, row.get(c.key))) for c in fld.columns] for row in value]
    return value


@dataclass
class ShownField:
    field: Field
    value: Any
    text: Any  # see display()
    filled: bool
    attachments: list = dataclasses.field(default_factory=list)  # for an attachment field: what is attached

    @property
    def is_list(self) -> bool:
        return self.field.type in (MULTICHOICE, RECORD) and isinstance(self.text, list)


@dataclass
class ShownStep:
    progress: StepProgress
    fields: list[ShownField]

    @property
    def step(self) -> Step:
        return self.progress.step


def document(
    declaration: Declaration,
    answers: Mapping[str, Any],
    record: Mapping[str, Any],
    attachments: Mapping[str, list],
    *,
    include_care: bool = True,
) -> list[ShownStep]:
    """Every shown step with every shown field and its answer (also the empty ones: the reader sees what is
    missing). ``attachments``: field key → the attachments of that field. Care steps only with ``include_care``."""
    progress = evaluate(declaration, answers, {k: len(v) for k, v in attachments.items()})
    shown = []
    for step_progress in progress.shown_steps:
        if step_progress.step.care and not include_care:
            continue
        items = []
        for fld in step_progress.fields:
            if fld.type == RECORD:
                text = records.display(fld.source, record.get(fld.source))
                items.append(ShownField(fld, record.get(fld.source), text, is_filled(text)))
            elif fld.type == ATTACHMENT:
                files = list(attachments.get(fld.key, []))
                items.append(ShownField(fld, None, "", bool(files), attachments=files))
            else:
                value = answers.get(fld.key)
                items.append(ShownField(fld, value, display(fld, value), is_filled(value)))
        shown.append(ShownStep(step_progress, items))
    return shown


def record_sources(declaration: Declaration) -> set[str]:
    return {f.source for f in declaration.all_fields() if f.type == RECORD}
