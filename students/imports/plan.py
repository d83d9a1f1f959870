"""The preview of an import: for every row whether it is new, changed (which fields, old → new), unchanged,
refused (field and reason) or left out by the filter, and which pupils of this school year the file lacks.

A plan is made from the rows and the database in a fixed number of queries, whatever the number of rows, and
again right before the import: what the import does is what a preview made at that moment would show.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Model, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import Organisation

from .. import bsn as bsn_crypto
from ..models import Pupil
from ..schoolyear import current_school_year
from .mapping import matches_filter
from .readers import Table
from .rows import CheckedRow, check_row, label, missing_for_new

# What an import changes on a pupil already in VOROC (never the BSN, nor names or birth date).
UPDATABLE = ("straat", "huisnummer", "toevoeging", "postcode", "woonplaats", "email", "telefoon")


class Kind(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    SKIPPED = "skipped"  # left out by the filter


KIND_LABELS = {
    Kind.NEW: "nieuw",
    Kind.CHANGED: "gewijzigd",
    Kind.UNCHANGED: "ongewijzigd",
    Kind.REFUSED: "geweigerd",
    Kind.SKIPPED: "overgeslagen (filter)",
}


@dataclass
class PlannedRow:
    checked: CheckedRow
    kind: Kind = Kind.NEW
    pupil: Pupil | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new), as stored
    group_name: str = ""

    @property
    def line(self) -> int:
        return self.checked.line

    @property
    def name(self) -> str:
        return self.pupil.full_name if self.pupil is not None else self.checked.name

    def shown_changes(self) -> list[tuple[str, str, str]]:
        return [(label(name), _display(old), _display(new)) for name, (old, new) in self.changes.items()]

    def reasons(self) -> list[tuple[str, str]]:
        return [(label(name), reason) for name, reason in self.checked.errors]

    def repairs(self) -> list[tuple[str, str]]:
        return [(label(name), text) for name, text in self.checked.repairs]


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


@dataclass
class Plan:
    rows: list[PlannedRow]
    missing: list[Pupil]
    groups: dict[str, Any]  # folded name → the school's group
    school: Organisation
    year: int

    def of(self, kind: Kind) -> list[PlannedRow]:
        return [row for row in self.rows if row.kind == kind]

    def counts(self) -> dict[str, int]:
        counts = {str(kind): 0 for kind in Kind}
        for row in self.rows:
            counts[str(row.kind)] += 1
        counts["missing"] = len(self.missing)
        return counts

    def new_group_names(self) -> list[str]:
        names: dict[str, str] = {}
        for row in self.rows:
            if row.kind in (Kind.NEW, Kind.CHANGED) and row.group_name and row.group_name.lower() not in self.groups:
                names.setdefault(row.group_name.lower(), row.group_name)
        return sorted(names.values())

    def pupils_shown(self) -> list[Pupil]:
        """The pupils in VOROC whose data the preview or report shows (for the audit log)."""
        return [row.pupil for row in self.rows if row.pupil is not None] + self.missing


def _refuse_duplicates(rows: list[PlannedRow], key: str, reason: str) -> None:
    lines: dict[Any, list[PlannedRow]] = defaultdict(list)
    for row in rows:
        value = row.checked.values.get(key)
        if value:
            lines[value].append(row)
    for same in lines.values():
        if len(same) > 1:
            numbers = ", ".join(str(r.line) for r in same)
            for row in same:
                row.checked.refuse(key, reason % {"lines": numbers})


class _Lookup:
    """The school's pupils and groups that the file's rows can meet: four queries for the whole file."""

    def __init__(self, school: Organisation, rows: list[PlannedRow]):
        index = bsn_crypto.blind_indexer()
        self.index: dict[int, str] = {}
        for row in rows:
            if row.checked.values.get("bsn"):
                self.index[id(row)] = index(row.checked.values["bsn"])
        numbers = {r.checked.values["leerlingnummer"] for r in rows if r.checked.values.get("leerlingnummer")}
        indexes = set(self.index.values())
        pupils = Pupil.objects.select_related("group")
        self.by_number = {p.leerlingnummer: p for p in pupils.filter(school=school, leerlingnummer__in=numbers)}
        own = pupils.filter(Q(school=school) | Q(school_links__school=school), bsn_index__in=indexes)
        self.by_index = {p.bsn_index: p for p in own.order_by("school_year")}  # the newest school year wins
        self.elsewhere = set(
            Pupil.objects.filter(bsn_index__in=indexes)
            .exclude(pk__in=[p.pk for p in self.by_index.values()])
            .values_list("bsn_index", flat=True)
        )
        Group = cast(type[Model], Pupil._meta.get_field("group").related_model)  # lazy: students does not import groups
        self.groups = {g.folded: g for g in Group._default_manager.filter(school=school).annotate(folded=Lower("name"))}

    def match(self, row: PlannedRow) -> Pupil | None:
        """The pupil this row describes, or None (new); refuses the row where file and VOROC disagree."""
        values = row.checked.values
        number, index = values.get("leerlingnummer"), self.index.get(id(row))
        pupil = self.by_number.get(number) if number else None
        if pupil is not None:
            if index and pupil.bsn_index and pupil.bsn_index != index:
                row.checked.refuse(
                    "bsn",
                    _("Het BSN hoort niet bij de leerling met dit leerlingnummer in VOROC. VOROC verandert het BSN "
                      "van een leerling niet; controleer het bestand of neem contact op met de VOROC Servicedesk."),
                )  # fmt: skip
            return pupil  # refused or not, this pupil is in the file (not "missing from it")
        if index is None:
            return None
        pupil = self.by_index.get(index)
        if pupil is not None:
            if number and pupil.leerlingnummer and pupil.leerlingnummer != number:
                row.checked.refuse("leerlingnummer", _("Deze leerling staat in VOROC met een ander leerlingnummer."))
            return pupil
        if index in self.elsewhere:
            row.checked.refuse(
                "bsn",
                _("Deze leerling staat ingeschreven bij een andere school. De leerling moet door de VOROC "
                  "Servicedesk aan uw school gekoppeld worden."),
            )  # fmt: skip
        return None


def _changes(row: PlannedRow, pupil: Pupil, school: Organisation, year: int) -> dict:
    values = row.checked.values
    changes = {}
    for name in UPDATABLE:
        if name in values and values[name] != getattr(pupil, name):
            changes[name] = (getattr(pupil, name), values[name])
    if values.get("leerlingnummer") and not pupil.leerlingnummer:
        changes["leerlingnummer"] = ("", values["leerlingnummer"])
    group_name = values.get("group", "")
    current = pupil.group.name if pupil.group else ""
    if group_name and group_name.lower() != current.lower() and pupil.school_id == school.pk:
        changes["group"] = (current, group_name)
    if pupil.school_year < year:
        changes["school_year"] = (pupil.school_year, year)
    return changes


def _decide(row: PlannedRow, lookup: _Lookup, school: Organisation, year: int, seen: dict[int, int]) -> None:
    pupil = lookup.match(row)
    row.pupil = pupil  # also for a refused or skipped row: that pupil is in the file, not missing from it
    if row.kind == Kind.SKIPPED:
        return
    if pupil is not None and pupil.pk in seen:
        row.checked.refuse("leerlingnummer", _("Deze leerling staat ook op regel %(line)s.") % {"line": seen[pupil.pk]})
    if row.checked.errors:
        row.kind = Kind.REFUSED
        return
    row.group_name = row.checked.values.get("group", "")
    if pupil is None:
        for name in missing_for_new(row.checked):
            row.checked.refuse(name, _("Verplicht voor een nieuwe leerling, maar leeg of niet gekoppeld."))
        row.kind = Kind.REFUSED if row.checked.errors else Kind.NEW
        return
    seen[pupil.pk] = row.line
    row.changes = _changes(row, pupil, school, year)
    row.kind = Kind.CHANGED if row.changes else Kind.UNCHANGED


def make_plan(*, school: Organisation, table: Table, mapping: dict[str, str], filter_column: int | None = None,
              filter_value: str = "") -> Plan:  # fmt: skip
    year = current_school_year()
    rows = [PlannedRow(check_row(line, cells, mapping)) for line, cells in table.rows]
    considered = []
    for row, (_line, cells) in zip(rows, table.rows, strict=True):
        if filter_column is not None and filter_value:
            cell = cells[filter_column] if filter_column < len(cells) else ""
            if not matches_filter(cell, filter_value):
                row.kind = Kind.SKIPPED
                continue
        considered.append(row)
    _refuse_duplicates(considered, "bsn", _("Dit BSN staat meer dan eens in het bestand (regels %(lines)s)."))
    _refuse_duplicates(
        considered, "leerlingnummer", _("Dit leerlingnummer staat meer dan eens in het bestand (regels %(lines)s).")
    )
    lookup = _Lookup(school, rows)
    seen: dict[int, int] = {}  # pupil id → the line that matched it
    for row in rows:
        _decide(row, lookup, school, year, seen)
    in_file = {row.pupil.pk for row in rows if row.pupil is not None}
    missing_pupils = list(
        Pupil.objects.filter(school=school, school_year=year)
        .exclude(pk__in=in_file)
        .select_related("group")
        .order_by("sort_achternaam", "sort_voornaam", "pk")
    )
    return Plan(rows=rows, missing=missing_pupils, groups=lookup.groups, school=school, year=year)
