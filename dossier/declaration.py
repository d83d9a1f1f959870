"""The declaration of a pupil's own doorstroomdossier: its kind, the pupil's pages (part A), the mentor's questions
(part B), what is prefilled and which questions are the doorstroomformulier's too — as data.

One JSON document per kind (``declarations/``), checked completely by ``parse()`` before it is stored; its pages and
fields are written in the doorstroomformulier's own format (doorstroom/declaration.py), so the same engine measures,
shows and checks them. What is particular to a dossier::

    {"format": 1, "kind": "vo-mbo", "title": "VO-MBO dossier", "description": "…",
     "part_a": [{"key": "persoonlijke_gegevens", "title": "…", "fields": […]}, …,
                {"key": "vervolgkeuze", "title": "Vervolgkeuze", "intro": "…", "catalogue": true}, …],
     "part_b": [{"key": "mentor_werkhouding", "title": "…", "fields": […]}],
     "prefill": {"geboortedatum": "pupil.geboortedatum", …},
     "mapping": {"schoolsoort": "schoolsoort", …}}

- ``kind``: one of KINDS. Part B is the mentor's: a VO-MBO dossier has one, the other kinds have none (the seed: who
  changes within the mbo, or was not at school last year, skips the mentor).
- The page marked ``"catalogue": true`` has no fields: the pupil picks a school, a location of that school and an
  opleiding from the mbo-schools' catalogue (dossier/choice.py).
- Record fields (read-only, never saved as answers) name a source of dossier/records.py: the pupil's name and e-mail
  address, "BSN: bekend bij je school" (never the number), the school.
- ``prefill``: a part A question → what the school (or the account) already knows, filled in when the dossier is
  made; the pupil can change it.
- ``mapping``: a question of the doorstroomformulier → the dossier's question that asks the same (same type and
  answers), so the decaan can take the pupil's answer over instead of typing it again.
- No attachments and no consent question: the akkoordverklaring is a page of its own, with its own record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from doorstroom.declaration import (
    ATTACHMENT,
    CHOICE,
    DATE,
    KEY_RE,
    RECORD,
    ROWS,
    TEXT,
    TEXTAREA,
    Declaration,
    DeclarationError,
    Field,
    Step,
)
from doorstroom.declaration import (
    parse as parse_questions,
)

from .records import PREFILL_SOURCES, RECORD_SOURCES

FORMAT = 1
VO_MBO, MBO_MBO, WERKLOOS_MBO = "vo-mbo", "mbo-mbo", "werkloos-mbo"
KINDS = (VO_MBO, MBO_MBO, WERKLOOS_MBO)
WITH_MENTOR = frozenset({VO_MBO})
CHOICE_KEYS = {"key", "title", "intro", "catalogue"}
_TOP = {"format", "kind", "title", "description", "part_a", "part_b", "prefill", "mapping"}


@dataclass(frozen=True)
class DossierSpec:
    kind: str
    title: str
    description: str
    part_a: Declaration  # the pupil's questions, the catalogue page not among them
    part_b: Declaration | None  # the mentor's questions (VO-MBO only)
    pages: tuple[Step, ...]  # part A's pages in order, the catalogue page among them (a Step without fields)
    choice: Step  # the catalogue page: school, location, opleiding
    prefill: Mapping[str, str] = field(default_factory=dict)
    mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_mentor(self) -> bool:
        return self.part_b is not None

    def page(self, key: str) -> Step | None:
        return next((p for p in self.pages if p.key == key), None)

    def field(self, key: str) -> Field | None:
        found = self.part_a.fields.get(key)
        if found is None and self.part_b is not None:
            found = self.part_b.fields.get(key)
        return found

    def answer_keys_a(self) -> list[str]:
        """The keys of part A's answers (what a copy carries)."""
        return [f.key for f in self.part_a.all_fields() if f.is_answer]


def _fail(message: str) -> DeclarationError:
    return DeclarationError(message)


def _text(document: dict, name: str, *, required: bool = False) -> str:
    value = document.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(f"{name!r} must be {'a non-empty ' if required else ''}text")
    return value.strip()


def _split_choice_page(steps: Any) -> tuple[list, Step, int]:
    if not isinstance(steps, list) or not steps:
        raise _fail("'part_a' needs a non-empty list of pages")
    marked = [n for n, s in enumerate(steps) if isinstance(s, dict) and s.get("catalogue")]
    if len(marked) != 1:
        raise _fail('part A has exactly one page with "catalogue": true (the vervolgkeuze)')
    position = marked[0]
    data = steps[position]
    unknown = set(data) - CHOICE_KEYS
    if unknown or data.get("catalogue") is not True:
        raise _fail(f'the catalogue page has only key, title, intro and "catalogue": true (not {sorted(unknown)})')
    key = data.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise _fail(f"the catalogue page's key {key!r} must be lower-case letters, digits and _")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _fail(f"the catalogue page {key!r} needs a title")
    title = title.strip()
    choice = Step(key=key, title=title, intro=_text(data, "intro"))
    return [s for n, s in enumerate(steps) if n != position], choice, position


def _questions(title: str, steps: list) -> Declaration:
    parsed = parse_questions({"format": 1, "title": title, "steps": steps}, sources=RECORD_SOURCES)
    for fld in parsed.all_fields():
        if fld.type == ATTACHMENT:
            raise _fail(f"field {fld.key!r}: a dossier has no attachments")
        if fld.consent:
            raise _fail(f"field {fld.key!r}: a dossier has no consent question (the akkoordverklaring is its own page)")
    return parsed


def _check_prefill(prefill: Any, part_a: Declaration) -> dict[str, str]:
    if not isinstance(prefill, dict):
        raise _fail("'prefill' is an object: question → source")
    for key, source in prefill.items():
        if not isinstance(source, str):
            raise _fail(f'prefill: the source of {key!r} is a text, such as "pupil.geboortedatum"')
        fld = part_a.fields.get(key)
        if fld is None or fld.type in (RECORD, ROWS):
            raise _fail(f"prefill: {key!r} is not a question of part A that takes one answer")
        kind = PREFILL_SOURCES.get(source)
        if kind is None:
            raise _fail(f"prefill: unknown source {source!r} (known: {', '.join(sorted(PREFILL_SOURCES))})")
        fits = {DATE: fld.type == DATE, TEXT: fld.type in (TEXT, TEXTAREA), CHOICE: fld.type == CHOICE}[kind[0]]
        if not fits or (kind[0] == CHOICE and not set(kind[1]) <= {v for v, _label in fld.choices}):
            raise _fail(f"prefill: {key!r} cannot hold what {source!r} gives")
    return dict(prefill)


def _check_mapping(mapping: Any, spec_fields: Mapping[str, Field]) -> dict[str, str]:
    if not isinstance(mapping, dict):
        raise _fail("'mapping' is an object: doorstroomformulier question → dossier question")
    for form_key, own_key in mapping.items():
        if not isinstance(own_key, str):
            raise _fail(f"mapping: {form_key!r} maps to one question key (a text)")
        if not isinstance(form_key, str) or not KEY_RE.match(form_key):
            raise _fail(f"mapping: {form_key!r} is not a question key")
        fld = spec_fields.get(own_key)
        if fld is None or not fld.is_answer:
            raise _fail(f"mapping: {own_key!r} is not a question of this dossier")
    return dict(mapping)


def parse(document: Any) -> DossierSpec:
    """Check a dossier declaration completely; DeclarationError says what is wrong and where."""
    if not isinstance(document, dict):
        raise _fail("the declaration must be a JSON object")
    if document.get("format") != FORMAT:
        raise _fail(f"unknown format {document.get('format')!r} (this version of VOROC reads format {FORMAT})")
    unknown = set(document) - _TOP
    if unknown:
        raise _fail(f"unknown keys at the top: {', '.join(sorted(unknown))}")
    kind = document.get("kind")
    if kind not in KINDS:
        raise _fail(f"'kind' is one of {', '.join(KINDS)}, not {kind!r}")
    title = _text(document, "title", required=True)
    steps_a, choice, position = _split_choice_page(document.get("part_a"))
    steps_b = document.get("part_b")
    if (steps_b is not None) != (kind in WITH_MENTOR):
        raise _fail(f"a {kind} dossier {'has' if kind in WITH_MENTOR else 'has no'} part B (the mentor's part)")
    if steps_b is not None and (not isinstance(steps_b, list) or not steps_b):
        raise _fail("'part_b' needs a non-empty list of pages")
    # Part A and B together: one set of keys, and a question of B may depend on an answer of A.
    both = _questions(title, [*steps_a, *(steps_b or [])])
    keys_a = {s.get("key") for s in steps_a if isinstance(s, dict)}
    if choice.key in {s.key for s in both.steps} | set(both.fields):
        raise _fail(f"the catalogue page's key {choice.key!r} is used twice")
    part_a = Declaration(
        title=title,
        steps=tuple(s for s in both.steps if s.key in keys_a),
        fields={k: f for k, f in both.fields.items() if f.step in keys_a},
    )
    part_b = None
    if steps_b is not None:
        part_b = Declaration(
            title=title,
            steps=tuple(s for s in both.steps if s.key not in keys_a),
            fields={k: f for k, f in both.fields.items() if f.step not in keys_a},
        )
    pages = list(part_a.steps)
    pages.insert(position, choice)
    return DossierSpec(
        kind=kind,
        title=title,
        description=_text(document, "description"),
        part_a=part_a,
        part_b=part_b,
        pages=tuple(pages),
        choice=choice,
        prefill=_check_prefill(document.get("prefill", {}), part_a),
        mapping=_check_mapping(document.get("mapping", {}), both.fields),
    )
