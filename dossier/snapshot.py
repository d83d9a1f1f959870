"""What the mbo-school receives with the akkoordverklaring: the dossier as text, written once (Consent.snapshot).

The snapshot holds everything a reader needs without the declaration or the catalogue, so it reads the same years
later: part A's shown pages with each question's label and answer as text (the engine's ``display()``), the read-only
record values, the mentor's verdict per page, part B with the mentor's name (VO-MBO), the vervolgkeuze with school,
BRIN, location, opleiding and crebo, and the declaration's kind and version. The pupil's akkoord page shows the same
document before it is sent (``build``), so what the pupil agrees to is what goes.

Shape (format 1)::

    {"format": 1, "made_at": "<iso>",
     "declaration": {"kind", "kind_label", "title", "version", "checksum"},
     "pupil": {"naam", "email", "school"},
     "choice": {"text", "school", "brin", "location", "opleiding", "crebo", "niveau", "leerweg"},
     "part_a": [{"key", "title", "fields": [{"key", "label", "type", "text"}], "verdict": {…} | null}],
     "mentor": {"name", "returned_at"} | null, "part_b": [pages as in part_a] | null,
     "akkoord": {"by", "statements": […], "parent_name", "parent_relation"}}   # added when the pupil agrees

A question's ``text`` is what ``doorstroom.engine.display`` gives: a text, a list of texts (multiple choice), or rows
of [label, text] pairs — the shape templates/doorstroom/partials/answer.html reads. Never the BSN: the record field
"BSN" says whether the school knows it, nothing more (dossier/records.py). Written in Dutch, the language of the
procedure.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from doorstroom.engine import ShownStep, document
from doorstroom.models.declaration import checksum

from .models import Dossier
from .records import read_record

FORMAT = 1
VERDICTS = {"eens": "Eens", "oneens": "Oneens"}


def _fields(shown: ShownStep) -> list[dict[str, Any]]:
    return [
        {"key": item.field.key, "label": item.field.label, "type": item.field.type, "text": item.text}
        for item in shown.fields
    ]


def _verdict(dossier: Dossier, page: str) -> dict[str, str] | None:
    given = dossier.verdicts.get(page) if isinstance(dossier.verdicts, dict) else None
    if not isinstance(given, dict) or given.get("oordeel") not in VERDICTS:
        return None
    return {
        "oordeel": given["oordeel"],
        "label": VERDICTS[given["oordeel"]],
        "opmerking": str(given.get("opmerking") or ""),
    }


def _mentor(dossier: Dossier) -> dict[str, str]:
    name = dossier.mentor.full_name if dossier.mentor is not None else dossier.mentor_name
    returned = timezone.localtime(dossier.returned_at) if dossier.returned_at else None
    return {"name": name, "returned_at": date_format(returned, "j F Y") if returned else ""}


def _choice(dossier: Dossier) -> dict[str, Any]:
    school, location, opleiding = dossier.mbo_school, dossier.location, dossier.opleiding
    return {
        "text": dossier.choice_text,
        "school": school.name if school else "",
        "brin": school.code if school else "",
        "location": str(location) if location else "",
        "opleiding": opleiding.name if opleiding else "",
        "crebo": opleiding.crebo if opleiding else "",
        "niveau": str(opleiding.niveau) if opleiding else "",
        "leerweg": opleiding.leerweg if opleiding else "",
    }


def build(dossier: Dossier, *, at: datetime.datetime | None = None) -> dict[str, Any]:
    """The dossier as it would be sent now (the akkoord page shows it; ``give_akkoord`` stores it)."""
    with override("nl"):
        spec = dossier.spec
        record = read_record(dossier.account)
        shown_a = {s.step.key: s for s in document(spec.part_a, dossier.answers, record, {})}
        part_a = [
            {"key": page.key, "title": page.title, "fields": _fields(shown), "verdict": _verdict(dossier, page.key)}
            for page in spec.pages
            if (shown := shown_a.get(page.key)) is not None
        ]
        part_b = None
        if spec.part_b is not None:
            answers = {**dossier.answers, **dossier.mentor_answers}
            part_b = [
                {"key": s.step.key, "title": s.step.title, "fields": _fields(s), "verdict": None}
                for s in document(spec.part_b, answers, record, {})
            ]
        declaration = dossier.declaration
        made = {
            "format": FORMAT,
            "made_at": (at or timezone.now()).isoformat(),
            "declaration": {
                "kind": dossier.kind,
                "kind_label": str(dossier.get_kind_display()),
                "title": declaration.title,
                "version": declaration.version,
                "checksum": declaration.checksum,
            },
            "pupil": {
                "naam": record.get("leerling.naam") or "",
                "email": record.get("leerling.email") or "",
                "school": record.get("leerling.school") or "",
            },
            "choice": _choice(dossier),
            "part_a": part_a,
            "mentor": _mentor(dossier) if spec.has_mentor else None,
            "part_b": part_b,
        }
    # Plain JSON from here on (a lazy text or a date would fail now, not when it is stored).
    return json.loads(json.dumps(made))


def seal(snapshot: dict[str, Any]) -> str:
    """The snapshot's SHA-256 over its canonical JSON: shown with it, so a copy can be checked against the record."""
    return checksum(snapshot)
