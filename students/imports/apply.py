"""Carrying out a plan: groups by name, then the new and changed pupils in batches, each batch one transaction.

A batch that fails leaves nothing of itself behind; the batches before it stay, and the report says per line
whether it was imported. Queries per batch do not depend on its size (bulk create, bulk update, the audit log's
bulk writes).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import record_changes

from ..models import NO_BSN_CODE_PREFIX, Pupil, Source
from ..models.pupil import NAME_KEYS
from ..services import PERSONAL_FIELDS, announce_bsn
from .plan import Kind, Plan, PlannedRow

logger = logging.getLogger(__name__)
BATCH_ROWS = 500
Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    imported: set[int] = field(default_factory=set)  # lines written
    failed: set[int] = field(default_factory=set)  # lines of a batch that was rolled back, or not reached
    error: str = ""


def _group_model():
    return Pupil._meta.get_field("group").related_model  # lazy: students does not import groups


@transaction.atomic
def create_groups(plan: Plan) -> list[str]:
    """The groups the file names that the school does not have yet (matched without regard to capitals)."""
    Group = _group_model()
    names = plan.new_group_names()
    made = Group._default_manager.bulk_create([Group(school=plan.school, name=name[:60]) for name in names])
    for group in made:
        plan.groups[group.name.lower()] = group
    return names


def _codes(count: int) -> list[str]:
    """Unique leerlingcodes for pupils without BSN: one query for the whole batch."""
    while True:
        codes = {f"{NO_BSN_CODE_PREFIX}{secrets.randbelow(10**7):07d}" for _ in range(count)}
        if len(codes) == count and not Pupil.objects.filter(no_bsn_code__in=codes).exists():
            return sorted(codes)


def _new_pupils(rows: list[PlannedRow], plan: Plan, user: User | None) -> list[Pupil]:
    pupils = []
    without_bsn = [row for row in rows if not row.checked.values.get("bsn")]
    codes = iter(_codes(len(without_bsn)) if without_bsn else [])
    for row in rows:
        values = row.checked.values
        pupil = Pupil(school=plan.school, school_year=plan.year, source=Source.IMPORT, created_by=user)
        for name in (*PERSONAL_FIELDS, "leerlingnummer"):
            if name in values:
                setattr(pupil, name, values[name])
        pupil.group = plan.groups.get(row.group_name.lower()) if row.group_name else None
        if values.get("bsn"):
            pupil.set_bsn(values["bsn"])
        else:
            pupil.no_bsn_code = next(codes)
        pupil.refresh_search_name()
        pupils.append(pupil)
    return Pupil.objects.bulk_create(pupils)


def _update_pupils(rows: list[PlannedRow], plan: Plan) -> list[Pupil]:
    fields: set[str] = {"updated_at"}
    now = timezone.now()
    pupils = []
    for row in rows:
        pupil = row.pupil
        assert pupil is not None
        for name, (_old, new) in row.changes.items():
            if name == "group":
                pupil.group = plan.groups.get(str(new).lower())
            else:
                setattr(pupil, name, new)
            fields.add(name)
        if {"voornaam", "tussenvoegsel", "achternaam"} & row.changes.keys():
            pupil.refresh_search_name()  # a new name is found and sorted by its new name
            fields.update(NAME_KEYS)
        pupil.updated_at = now
        pupils.append(pupil)
    Pupil.objects.bulk_update(pupils, sorted(fields))
    return pupils


def _audit(new: list[tuple[Pupil, PlannedRow]], changed: list[PlannedRow]) -> None:
    created = []
    for pupil, row in new:
        values = row.checked.values
        changes = {
            name: (None, getattr(pupil, name)) for name in PERSONAL_FIELDS if getattr(pupil, name) not in ("", None)
        }
        changes["group"] = (None, pupil.group)
        changes["bsn"] = (None, "ingevuld" if values.get("bsn") else "geen BSN (leerlingcode)")
        if pupil.leerlingnummer:
            changes["leerlingnummer"] = (None, pupil.leerlingnummer)
        created.append((pupil, changes))
    record_changes(created, action=Action.CREATE, summary="leerling geïmporteerd")
    record_changes([(row.pupil, row.changes) for row in changed], summary="leerlinggegevens uit een import")


def _write_batch(batch: list[PlannedRow], plan: Plan, user: User | None) -> None:
    new_rows = [row for row in batch if row.kind == Kind.NEW]
    changed = [row for row in batch if row.kind == Kind.CHANGED]
    with transaction.atomic():
        created = _new_pupils(new_rows, plan, user) if new_rows else []
        if changed:
            _update_pupils(changed, plan)
        _audit(list(zip(created, new_rows, strict=True)), changed)
        for pupil in created:
            if pupil.bsn_index:
                announce_bsn(pupil=pupil)  # waiting feed rows find the pupil after the commit
    for row, pupil in zip(new_rows, created, strict=True):
        row.pupil = pupil


def apply_plan(
    plan: Plan, *, user: User | None, progress: Progress | None = None, batch_rows: int = BATCH_ROWS
) -> Outcome:
    """Write the plan's new and changed rows; stop at the first batch that fails (the report names its lines)."""
    todo = [row for row in plan.rows if row.kind in (Kind.NEW, Kind.CHANGED)]
    outcome = Outcome()
    if todo:
        create_groups(plan)
    for start in range(0, len(todo), batch_rows):
        batch = todo[start : start + batch_rows]
        if outcome.error:
            outcome.failed.update(row.line for row in batch)
            continue
        try:
            _write_batch(batch, plan, user)
        except Exception as exc:  # the batch rolled back as a whole; say which lines, never the values
            logger.warning("Import batch from line %s failed: %s", batch[0].line, type(exc).__name__)
            outcome.error = type(exc).__name__
            outcome.failed.update(row.line for row in batch)
            continue
        outcome.imported.update(row.line for row in batch)
        if progress:
            progress(start + len(batch), len(todo))
    return outcome
