"""The declaration of a doorstroomformulier: its steps, fields and conditions, as data.

A declaration is a JSON document (one per region and school year, see ``declarations/``). ``parse()``
checks it completely and turns it into frozen dataclasses; anything it does not understand (an unknown
field type, a condition naming a field that does not exist or comes later, a key used twice, a choice
that is not offered) is refused with a ``DeclarationError`` that names the place, so a broken document
never reaches a user.

The document::

    {"format": 1, "title": "...", "steps": [
        {"key": "vooropleiding", "title": "Vooropleiding", "intro": "...", "care": false,
         "show_if": {...}, "fields": [
            {"key": "schoolsoort", "type": "choice", "label": "Schoolsoort", "required": true,
             "widget": "select", "choices": [["vmbo", "vmbo"], ...]},
            {"key": "leerweg", "type": "choice", ..., "show_if": {"field": "schoolsoort", "equals": "vmbo"}}]}]}

Conditions: ``{"field": key, "equals": value}``, ``{"field": key, "in": [values]}``,
``{"field": key, "contains": value}`` (a multiple choice holds the value), ``{"field": key, "filled": true}``,
or ``{"any": [condition, ...]}``. In a multiple choice the choice ``"geen"`` ("Geen …") stands alone: it cannot be
ticked together with another choice. A condition may only name a field declared before the element it
belongs to, so the form can be evaluated top to bottom and never in a circle; a step or field that is not
about care may not depend on a care field (its visibility would tell who cannot read care what it says).

Consent: one required question, always shown and not about care, is marked ``"consent": value`` — the answer
that means the pupil and the parents agree to the form going to the mbo (Haaglanden: ``akkoord_leerling``,
``"ja"``). Without that answer a form is not approved and nothing of it is sent (doorstroom/consent.py). A
document written before the marker existed names no such question; for it the question ``akkoord_leerling``
with the answer ``"ja"`` counts (``LEGACY_CONSENT``), so the forms filled under it keep their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

FORMAT = 1
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

TEXT, TEXTAREA, CHOICE, MULTICHOICE, YESNO, DATE, NUMBER, SCORE, ROWS, RECORD, ATTACHMENT = (
    "text",
    "textarea",
    "choice",
    "multichoice",
    "yesno",
    "date",
    "number",
    "score",
    "rows",
    "record",
    "attachment",
)
FIELD_TYPES = frozenset({TEXT, TEXTAREA, CHOICE, MULTICHOICE, YESNO, DATE, NUMBER, SCORE, ROWS, RECORD, ATTACHMENT})
# What a repeatable row may hold.
COLUMN_TYPES = frozenset({TEXT, TEXTAREA, CHOICE, DATE, NUMBER})
# Types whose answer is typed or chosen by the user (and so can be a condition's source).
ANSWER_TYPES = FIELD_TYPES - {RECORD, ATTACHMENT, ROWS}

# The competence score of the digitaal doorstroomdossier: 1 beginner … 4 zeer gevorderd, or "?".
SCORE_CHOICES = (
    ("1", "1 – Beginner"),
    ("2", "2 – Half gevorderd"),
    ("3", "3 – Gevorderd"),
    ("4", "4 – Zeer gevorderd"),
    ("?", "? – Weet ik niet"),
)
YESNO_CHOICES = (("ja", "Ja"), ("nee", "Nee"))

MAX_ATTACHMENTS = 5  # per form, all attachment fields together (handleiding: "maximaal 5")
TEXT_MAX = 200
TEXTAREA_MAX = 4000

_STEP_KEYS = {"key", "title", "intro", "care", "show_if", "fields"}
_FIELD_KEYS = {
    "key",
    "type",
    "label",
    "help",
    "required",
    "show_if",
    "choices",
    "widget",
    "max_length",
    "min",
    "max",
    "columns",
    "max_rows",
    "add_label",
    "row_label",
    "source",
    "max_files",
    "placeholder",
    "consent",
}
# The consent question of documents from before the "consent" marker (format 1 as first shipped).
LEGACY_CONSENT = ("akkoord_leerling", "ja")


class DeclarationError(ValueError):
    """A declaration that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Condition:
    """When an element is shown: one test on an earlier field, or any of several."""

    field: str = ""
    op: str = ""  # equals | in | contains | filled | any
    value: Any = None
    options: tuple[Condition, ...] = ()

    def sources(self) -> Iterator[str]:
        if self.op == "any":
            for option in self.options:
                yield from option.sources()
        else:
            yield self.field

    def holds(self, values: Mapping[str, Any]) -> bool:
        """``values``: the answers of the fields that are shown (a hidden field counts as empty)."""
        if self.op == "any":
            return any(option.holds(values) for option in self.options)
        current = values.get(self.field)
        if self.op == "filled":
            return is_filled(current) is bool(self.value)
        if self.op == "equals":
            return current == self.value
        if self.op == "in":
            return current in self.value
        if self.op == "contains":
            return isinstance(current, list) and self.value in current
        raise AssertionError(self.op)

    def as_data(self) -> dict:
        """The JSON the browser evaluates (static/js/doorstroom.js) to show or hide without a round trip."""
        if self.op == "any":
            return {"any": [option.as_data() for option in self.options]}
        return {"field": self.field, self.op: self.value}


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    label: str
    step: str
    help: str = ""
    required: bool = False
    show_if: Condition | None = None
    choices: tuple[tuple[Any, str], ...] = ()  # flat, in order
    groups: tuple[tuple[str, tuple[tuple[Any, str], ...]], ...] = ()  # for a select with headings
    widget: str = ""  # choice: "select" or "radio"
    max_length: int = 0
    min: int | None = None  # a number's bounds; for a date: days from the day it is filled in (-730: two years ago)
    max: int | None = None
    columns: tuple[Field, ...] = ()
    max_rows: int = 0
    add_label: str = ""
    row_label: str = ""
    source: str = ""
    max_files: int = 0
    placeholder: str = ""
    consent: str = ""  # the answer that gives the consent to send (only on the declaration's consent question)

    @property
    def is_answer(self) -> bool:
        return self.type in ANSWER_TYPES or self.type == ROWS

    def choice_label(self, value: Any) -> str:
        return dict(self.choices).get(value, str(value))


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    intro: str = ""
    care: bool = False
    show_if: Condition | None = None
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Declaration:
    title: str
    steps: tuple[Step, ...]
    fields: dict[str, Field] = field(default_factory=dict, compare=False)

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def all_fields(self) -> Iterator[Field]:
        for step in self.steps:
            yield from step.fields

    @property
    def care_steps(self) -> frozenset[str]:
        return frozenset(s.key for s in self.steps if s.care)

    @property
    def consent_field(self) -> Field | None:
        """The question whose answer is the consent of the pupil and the parents to send the form (or None)."""
        return next((f for f in self.all_fields() if f.consent), None)


def is_filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True  # a number (also 0) or a yes/no answer (also "nee")


# --- parsing -------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, document: Any, sources: Collection[str] | None = None):
        self.document = document
        self.sources = (
            sources  # the record sources a document may name (None: the doorstroomformulier's, records.SOURCES)
        )
        self.declared: dict[str, Field] = {}  # in order of declaration
        self.care_fields: set[str] = set()
        self.care_steps: set[str] = set()
        self.all_keys: set[str] = set()
        self.every_key: set = set()  # every field key in the document, to tell "later" from "unknown"

    def fail(self, where: str, message: str) -> DeclarationError:
        return DeclarationError(f"{where}: {message}")

    def parse(self) -> Declaration:
        doc = self.document
        if not isinstance(doc, dict):
            raise DeclarationError("the declaration must be a JSON object")
        if doc.get("format") != FORMAT:
            raise DeclarationError(
                f"unknown format {doc.get('format')!r} (this version of VOROC reads format {FORMAT})"
            )
        unknown = set(doc) - {"format", "title", "region", "school_year", "description", "steps"}
        if unknown:
            raise DeclarationError(f"unknown keys at the top: {', '.join(sorted(unknown))}")
        title = self.text(doc, "title", "the declaration", required=True)
        steps_data = doc.get("steps")
        if not isinstance(steps_data, list) or not steps_data:
            raise DeclarationError("the declaration needs a non-empty list of steps")
        self.every_key = {
            f.get("key")
            for step in steps_data
            if isinstance(step, dict)
            for f in (step.get("fields") or [])
            if isinstance(f, dict)
        }
        steps = tuple(self.step(data, n) for n, data in enumerate(steps_data, start=1))
        if not any(f.consent for f in self.declared.values()):
            steps = self.legacy_consent(steps)
        return Declaration(title=title, steps=steps, fields={f.key: f for step in steps for f in step.fields})

    def legacy_consent(self, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        """A document without a consent marker: its ``akkoord_leerling`` question is the consent question, where
        it is one a marker would be allowed on."""
        key, value = LEGACY_CONSENT
        found = self.declared.get(key)
        if found is None or self.consent_problem(found, value) is not None:
            return steps
        return tuple(
            replace(step, fields=tuple(replace(f, consent=value) if f.key == key else f for f in step.fields))
            for step in steps
        )

    def consent_problem(self, fld: Field, value: Any) -> str | None:
        if fld.type not in (CHOICE, YESNO):
            return "only a choice or yes/no question can be the consent question"
        if value not in {v for v, _label in fld.choices}:
            return f"the consent answer {value!r} is not one of its choices"
        if not fld.required or fld.show_if is not None or fld.step in self.care_steps:
            return "the consent question is required, always shown and not in a care step"
        return None

    def text(self, data: dict, name: str, where: str, *, required: bool = False) -> str:
        value = data.get(name, "")
        if not isinstance(value, str):
            raise self.fail(where, f"{name!r} must be text")
        if required and not value.strip():
            raise self.fail(where, f"{name!r} is required")
        return value.strip()

    def new_key(self, data: dict, where: str) -> str:
        key = data.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise self.fail(where, f"key {key!r} must be lower-case letters, digits and _ (at most 40, a letter first)")
        if key in self.all_keys:
            raise self.fail(where, f"the key {key!r} is used twice")
        self.all_keys.add(key)
        return key

    def step(self, data: Any, number: int) -> Step:
        where = f"step {number}"
        if not isinstance(data, dict):
            raise self.fail(where, "must be an object")
        unknown = set(data) - _STEP_KEYS
        if unknown:
            raise self.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
        key = self.new_key(data, where)
        where = f"step {key!r}"
        care = data.get("care", False)
        if not isinstance(care, bool):
            raise self.fail(where, "'care' must be true or false")
        if care:
            self.care_steps.add(key)
        show_if = self.condition(data.get("show_if"), where, care=care)
        fields_data = data.get("fields")
        if not isinstance(fields_data, list) or not fields_data:
            raise self.fail(where, "needs a non-empty list of fields")
        fields = []
        for n, field_data in enumerate(fields_data, start=1):
            parsed = self.field(field_data, f"{where}, field {n}", step=key, care=care)
            fields.append(parsed)
            self.declared[parsed.key] = parsed
            if care:
                self.care_fields.add(parsed.key)
        return Step(
            key=key,
            title=self.text(data, "title", where, required=True),
            intro=self.text(data, "intro", where),
            care=care,
            show_if=show_if,
            fields=tuple(fields),
        )

    # One field's rules per type, checked in the order their messages name them; a split by type belongs with
    # a change of the declaration format, not before it.
    def field(self, data: Any, where: str, *, step: str, care: bool, column: bool = False) -> Field:  # noqa: C901
        if not isinstance(data, dict):
            raise self.fail(where, "must be an object")
        unknown = set(data) - _FIELD_KEYS
        if unknown:
            raise self.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
        key = data.get("key") if column else self.new_key(data, where)
        if column and (not isinstance(key, str) or not KEY_RE.match(key)):
            raise self.fail(where, f"key {key!r} must be lower-case letters, digits and _")
        where = f"{where} ({key})"
        kind = data.get("type")
        allowed = COLUMN_TYPES if column else FIELD_TYPES
        if kind not in allowed:
            raise self.fail(where, f"unknown field type {kind!r} (known: {', '.join(sorted(allowed))})")
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(where, "'required' must be true or false")
        label = self.text(data, "label", where, required=True)
        values: dict[str, Any] = {
            "key": key,
            "type": kind,
            "label": label,
            "step": step,
            "help": self.text(data, "help", where),
            "required": required and kind != RECORD,
            "placeholder": self.text(data, "placeholder", where),
        }
        if column and "show_if" in data:
            raise self.fail(where, "a column of repeatable rows cannot have a condition")
        values["show_if"] = None if column else self.condition(data.get("show_if"), where, care=care)
        if kind in (CHOICE, MULTICHOICE):
            values["choices"], values["groups"] = self.choices(data.get("choices"), where)
            widget = data.get("widget", "select" if kind == CHOICE else "checkbox")
            if kind == CHOICE and widget not in ("select", "radio"):
                raise self.fail(where, f"widget {widget!r} must be 'select' or 'radio'")
            if kind == MULTICHOICE and widget != "checkbox":
                raise self.fail(where, "a multiple choice is shown as checkboxes")
            if values["groups"] and widget == "radio":
                raise self.fail(where, "choices with headings need widget 'select'")
            values["widget"] = widget
        elif "choices" in data:
            raise self.fail(where, f"a field of type {kind!r} has no choices")
        if kind == SCORE:
            values["choices"] = SCORE_CHOICES
        if kind == YESNO:
            values["choices"] = YESNO_CHOICES
        if kind in (TEXT, TEXTAREA):
            default = TEXT_MAX if kind == TEXT else TEXTAREA_MAX
            values["max_length"] = self.number(data, "max_length", where, default=default, low=1, high=TEXTAREA_MAX)
        if kind in (NUMBER, DATE):  # a date's min and max are days from the day it is filled in (-730, 0)
            values["min"] = self.number(data, "min", where, default=None)
            values["max"] = self.number(data, "max", where, default=None)
            if values["min"] is not None and values["max"] is not None and values["min"] > values["max"]:
                raise self.fail(where, "'min' is larger than 'max'")
        elif "min" in data or "max" in data:
            raise self.fail(where, f"a field of type {kind!r} has no 'min' or 'max'")
        if kind == ROWS:
            values.update(self.rows(data, where, step=step, care=care))
        if kind == RECORD:
            from .records import SOURCES  # the record sources are code: a declaration can only name them

            known = SOURCES if self.sources is None else self.sources
            source = data.get("source")
            if source not in known:
                raise self.fail(where, f"unknown record source {source!r} (known: {', '.join(sorted(known))})")
            values["source"] = source
        elif "source" in data:
            raise self.fail(where, "only a field of type 'record' has a source")
        if kind == ATTACHMENT:
            values["max_files"] = self.number(
                data, "max_files", where, default=MAX_ATTACHMENTS, low=1, high=MAX_ATTACHMENTS
            )
        if "consent" in data:
            values["consent"] = self.consent(data["consent"], Field(**values), where, column=column)
        return Field(**values)

    def consent(self, value: Any, fld: Field, where: str, *, column: bool) -> str:
        if column or not isinstance(value, str) or not value:
            raise self.fail(where, "'consent' is the answer that gives the consent (a text), on a question of a step")
        if any(f.consent for f in self.declared.values()):
            raise self.fail(where, "a declaration has one consent question")
        problem = self.consent_problem(fld, value)
        if problem is not None:
            raise self.fail(where, problem)
        return value

    def number(self, data: dict, name: str, where: str, *, default, low: int | None = None, high: int | None = None):
        value = data.get(name, default)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, f"{name!r} must be a whole number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(where, f"{name!r} must lie between {low} and {high}")
        return value

    def choices(self, data: Any, where: str):
        if not isinstance(data, list) or not data:
            raise self.fail(where, "needs a non-empty list of choices")
        flat: list[tuple[str, str]] = []
        groups: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        for item in data:
            if isinstance(item, dict) and set(item) == {"group", "choices"}:
                inner, nested = self.choices(item["choices"], f"{where}, group {item['group']!r}")
                if nested:
                    raise self.fail(where, "groups of choices cannot be nested")
                groups.append((str(item["group"]), inner))
                flat.extend(inner)
            elif isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item) and item[0]:
                if groups:
                    raise self.fail(where, "put every choice inside a group once one group is used")
                flat.append((item[0], item[1]))
            else:
                raise self.fail(where, f"a choice is [value, label] with two texts, not {item!r}")
        seen = [value for value, _label in flat]
        if len(seen) != len(set(seen)):
            raise self.fail(where, "a choice value is offered twice")
        return tuple(flat), tuple(groups)

    def rows(self, data: dict, where: str, *, step: str, care: bool) -> dict:
        columns_data = data.get("columns")
        if not isinstance(columns_data, list) or not columns_data:
            raise self.fail(where, "repeatable rows need a non-empty list of columns")
        columns = tuple(
            self.field(c, f"{where}, column {n}", step=step, care=care, column=True)
            for n, c in enumerate(columns_data, start=1)
        )
        keys = [c.key for c in columns]
        if len(keys) != len(set(keys)):
            raise self.fail(where, "a column key is used twice")
        return {
            "columns": columns,
            "max_rows": self.number(data, "max_rows", where, default=10, low=1, high=50),
            "add_label": self.text(data, "add_label", where) or "Rij toevoegen",
            "row_label": self.text(data, "row_label", where) or self.text(data, "label", where),
        }

    def condition(self, data: Any, where: str, *, care: bool) -> Condition | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise self.fail(where, "'show_if' must be an object")
        if set(data) == {"any"}:
            options = data["any"]
            if not isinstance(options, list) or len(options) < 2:
                raise self.fail(where, "'any' needs a list of at least two conditions")
            return Condition(op="any", options=tuple(self.condition(o, where, care=care) for o in options))  # type: ignore[misc]
        ops = set(data) - {"field"}
        if "field" not in data or len(ops) != 1:
            raise self.fail(
                where, f"a condition is {{'field': key, and one of equals/in/contains/filled}}, not {data!r}"
            )
        op = ops.pop()
        source_key = data["field"]
        source = self.declared.get(source_key)
        if source is None:
            later = " (it is declared later: a condition can only look back)" if source_key in self.every_key else ""
            raise self.fail(where, f"the condition names an unknown field {source_key!r}{later}")
        if source.type not in ANSWER_TYPES:
            raise self.fail(where, f"a condition cannot depend on {source_key!r} (a field of type {source.type!r})")
        if source_key in self.care_fields and not care:
            raise self.fail(where, f"only a care step or field can depend on the care field {source_key!r}")
        value = data[op]
        self.check_condition_value(op, value, source, where)
        return Condition(field=source_key, op=op, value=value)

    def check_condition_value(self, op: str, value: Any, source: Field, where: str) -> None:
        """The value a condition compares with must fit its operation and the choices of the field it names."""
        offered = {v for v, _label in source.choices}
        if op == "filled":
            if not isinstance(value, bool):
                raise self.fail(where, "'filled' must be true or false")
        elif op == "equals":
            if offered and value not in offered:
                raise self.fail(where, f"{value!r} is not one of the choices of {source.key!r}")
        elif op == "in":
            if not isinstance(value, list) or not value:
                raise self.fail(where, "'in' needs a non-empty list")
            if offered and not set(value) <= offered:
                raise self.fail(where, f"{sorted(set(value) - offered)!r} are not choices of {source.key!r}")
        elif op == "contains":
            if source.type != MULTICHOICE:
                raise self.fail(where, "'contains' works on a multiple choice")
            if value not in offered:
                raise self.fail(where, f"{value!r} is not one of the choices of {source.key!r}")
        else:
            raise self.fail(where, f"unknown condition {op!r} (known: equals, in, contains, filled, any)")


def parse(document: Any, *, sources: Collection[str] | None = None) -> Declaration:
    """Check a declaration document completely; DeclarationError says what is wrong and where. ``sources``: the
    record sources it may name, for a questionnaire that reads another record than the pupil's (the pupil's own
    dossier, dossier/records.py); the doorstroomformulier's own by default."""
    return _Parser(document, sources).parse()
