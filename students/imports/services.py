"""An import from upload to report: read the file once (and forget it), keep the rows sealed for the preview,
confirm the mapping, make the plan, carry it out, and keep the report (without BSN) for a day."""

from __future__ import annotations

import json
import zlib

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import PupilRef, record_event

from .. import bsn as bsn_crypto
from ..models import ImportMapping, PupilImport
from ..models.pupil_import import REPORT_LIFETIME
from . import mapping as mapping_rules
from .apply import Outcome, Progress, apply_plan
from .plan import KIND_LABELS, Kind, Plan, make_plan
from .readers import Table, read_table

PURPOSE = "pupil_import"
# Above this many rows the import runs as a task with a progress page.
BACKGROUND_ROWS = 300


def seal_table(table: Table) -> tuple[bytes, str]:
    sealed = bsn_crypto.encrypt_bytes(zlib.compress(json.dumps(table.as_json()).encode(), 3), purpose=PURPOSE)
    return sealed, bsn_crypto.key_id_of_bytes(sealed)


def load_table(imp: PupilImport) -> Table:
    data = zlib.decompress(bsn_crypto.decrypt_bytes(bytes(imp.payload), purpose=PURPOSE))
    return Table.from_json(json.loads(data))


@transaction.atomic
def start_import(*, user: User, filename: str, data: bytes) -> PupilImport:
    """Read the file (raises readers.UnreadableFile) and keep its rows sealed; the caller forgets the bytes."""
    table = read_table(filename, data)
    remembered = ImportMapping.objects.filter(school=user.organisation).first()
    guessed = mapping_rules.guess(table.headings, remembered.columns if remembered else None)
    filter_column = None
    if remembered and remembered.filter_heading:
        folded = [mapping_rules.fold_heading(h) for h in table.headings]
        if remembered.filter_heading in folded:
            filter_column = folded.index(remembered.filter_heading)
    payload, key_id = seal_table(table)
    return PupilImport.objects.create(
        user=user,
        school=user.organisation,
        filename=filename[:200],
        file_kind=table.kind,
        payload=payload,
        key_id=key_id,
        row_count=len(table.rows),
        mapping=guessed,
        filter_column=filter_column,
        filter_value=remembered.filter_value if remembered and filter_column is not None else "",
    )


@transaction.atomic
def confirm_mapping(*, imp: PupilImport, mapping: dict[str, str], filter_column: int | None, filter_value: str) -> None:
    """Keep the user's mapping for this import and as the school's mapping for the next one."""
    table = load_table(imp)
    imp.mapping = mapping
    imp.filter_column = filter_column if filter_value.strip() else None
    imp.filter_value = filter_value.strip() if imp.filter_column is not None else ""
    imp.mapping_confirmed = True
    imp.save(update_fields=["mapping", "filter_column", "filter_value", "mapping_confirmed"])
    filter_heading = (
        mapping_rules.fold_heading(table.headings[imp.filter_column]) if imp.filter_column is not None else ""
    )
    ImportMapping.objects.update_or_create(
        school=imp.school,
        defaults={
            "columns": mapping_rules.to_remember(table.headings, mapping),
            "filter_heading": filter_heading,
            "filter_value": imp.filter_value,
        },
    )


def plan_for(imp: PupilImport) -> Plan:
    return make_plan(
        school=imp.school,
        table=load_table(imp),
        mapping=imp.mapping,
        filter_column=imp.filter_column,
        filter_value=imp.filter_value,
    )


def _line_report(plan: Plan, outcome: Outcome | None) -> list[dict]:
    lines = []
    for row in plan.rows:
        if row.kind in (Kind.UNCHANGED, Kind.SKIPPED):
            continue
        status = ""
        if outcome is not None and row.kind in (Kind.NEW, Kind.CHANGED):
            status = "imported" if row.line in outcome.imported else "failed"
        lines.append(
            {
                "line": row.line,
                "kind": str(row.kind),
                "name": row.name,
                "group": row.group_name or (row.pupil.group.name if row.pupil and row.pupil.group else ""),
                "changes": row.shown_changes(),
                "reasons": row.reasons(),
                "repairs": row.repairs(),
                "status": status,
                "pupil": row.pupil.pk if row.pupil else None,
            }
        )
    return lines


def report_of(plan: Plan, outcome: Outcome | None, *, filename: str, groups: list[str]) -> dict:
    """What the report page, the Excel file and the command show. No BSN: lines, names, reasons."""
    counts = plan.counts()
    if outcome is not None:
        counts["imported"] = len(outcome.imported)
        counts["failed"] = len(outcome.failed)
    return {
        "filename": filename,
        "counts": counts,
        "lines": _line_report(plan, outcome),
        "missing": [
            {"pupil": p.pk, "name": p.sort_name, "group": p.group.name if p.group else ""} for p in plan.missing
        ],
        "new_groups": groups,
        "error": outcome.error if outcome else "",
        "repaired": sum(1 for row in plan.rows if row.checked.repairs),
    }


def run_import(imp: PupilImport, *, progress: Progress | None = None) -> dict:
    """Carry out the import (again from the sealed rows, against the database as it is now); keep the report."""
    PupilImport.objects.filter(pk=imp.pk).update(state=PupilImport.State.RUNNING)
    plan = plan_for(imp)
    groups = plan.new_group_names()
    total = len(plan.of(Kind.NEW)) + len(plan.of(Kind.CHANGED))
    PupilImport.objects.filter(pk=imp.pk).update(total=total, done=0)

    def report_progress(done: int, all_rows: int) -> None:
        PupilImport.objects.filter(pk=imp.pk).update(done=done, total=all_rows)
        if progress:
            progress(done, all_rows)

    outcome = apply_plan(plan, user=imp.user, progress=report_progress)
    report = report_of(plan, outcome, filename=imp.filename, groups=groups)
    imp.report = report
    imp.payload = b""  # the rows (with BSNs) go as soon as they are written
    imp.state = PupilImport.State.FAILED if outcome.error else PupilImport.State.DONE
    imp.finished_at = timezone.now()
    imp.expires_at = imp.finished_at + REPORT_LIFETIME
    imp.done = len(outcome.imported)
    imp.save(update_fields=["report", "payload", "state", "finished_at", "expires_at", "done"])
    counts = report["counts"]
    summary = "leerlingimport: " + ", ".join(
        f"{counts[str(kind)]} {KIND_LABELS[kind]}" for kind in Kind if counts.get(str(kind))
    )
    if outcome.error:
        summary += f"; {counts['failed']} regels niet ingelezen door een fout"
    record_event(Action.CREATE, summary=summary, pupil=PupilRef(None, imp.school_id))  # type: ignore[arg-type]
    return report


def cancel_import(imp: PupilImport) -> None:
    imp.delete()


def purge_expired_imports() -> int:
    return PupilImport.objects.filter(expires_at__lte=timezone.now()).delete()[0]
