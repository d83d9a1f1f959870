"""Part A as a reader sees it (the mentor, and the pupil before the akkoord): every shown page with every shown
question and its answer, the vervolgkeuze in its place."""

from __future__ import annotations

from dataclasses import dataclass, field

from doorstroom.declaration import Step
from doorstroom.engine import ShownField, document

from .models import Dossier
from .records import read_record


@dataclass
class ReadPage:
    step: Step
    fields: list[ShownField] = field(default_factory=list)
    is_choice: bool = False


def part_a_pages(dossier: Dossier) -> list[ReadPage]:
    spec = dossier.spec
    shown = {s.step.key: s for s in document(spec.part_a, dossier.answers, read_record(dossier.account), {})}
    pages = []
    for step in spec.pages:
        if step.key == spec.choice.key:
            pages.append(ReadPage(step, is_choice=True))
        elif step.key in shown:
            pages.append(ReadPage(step, shown[step.key].fields))
    return pages
