"""The pages of part A as the list on the left shows them (seed, step 8): each page with its percentage (100 % when
every required question is answered), the page being filled in marked, a page holding input to correct marked too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from doorstroom.declaration import Field, Step
from doorstroom.forms import conditions_json

from .declaration import DossierSpec


@dataclass
class NavPage:
    step: Step
    shown: bool
    percent: int
    required: int
    filled: int
    current: bool
    has_invalid: bool
    condition: str = ""
    is_choice: bool = False


def pages_of(spec: DossierSpec, progress: Any, invalid: dict, *, current: str) -> list[NavPage]:
    """``progress``: filling.DossierProgress. The current page is ``current`` where it is shown, else the first."""
    pages = []
    for step in spec.pages:
        if step.key == spec.choice.key:
            choice = progress.choice
            pages.append(
                NavPage(step, True, choice.percent, choice.required, choice.filled, False, False, is_choice=True)
            )
            continue
        measured = progress.questions.of(step.key)
        pages.append(
            NavPage(
                step=step,
                shown=measured.shown,
                percent=measured.percent,
                required=measured.required,
                filled=measured.filled,
                current=False,
                has_invalid=any(f.key in invalid for f in step.fields),
                condition=conditions_json(step),
            )
        )
    shown = [p for p in pages if p.shown]
    chosen = next((p for p in shown if p.step.key == current), shown[0])
    chosen.current = True
    return pages


def to_correct(spec: DossierSpec, invalid: dict) -> list[tuple[Step, list[Field]]]:
    """Per page, the questions whose input is kept as typed but is not valid yet (named at home)."""
    found = []
    for step in spec.part_a.steps:
        fields = [f for f in step.fields if f.key in invalid]
        if fields:
            found.append((step, fields))
    return found
