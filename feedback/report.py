"""A batch's report as plain text (import_feedback prints it). Lines by number and aanmelding_id, never a BSN."""

from __future__ import annotations

from django.utils import timezone

from .models import Batch, LineKind
from .selectors import batch_lines

SHOWN_LINES = 200


def text_report(batch: Batch, *, limit: int = SHOWN_LINES) -> str:
    out = [
        f"Batch {batch.pk} of {batch.mbo_school.name} ({batch.mbo_school.code}), received "
        f"{timezone.localtime(batch.received_at):%Y-%m-%d %H:%M:%S} via {batch.transport}: {batch.get_state_display()}",
        f"  file {batch.filename or '-'}, {batch.size} bytes, sha256 {batch.checksum or '-'}",
    ]
    if batch.duplicate_of_id:
        out.append(f"  the same content as batch {batch.duplicate_of_id} (same checksum): nothing should change")
    if batch.failure:
        out.append(f"  {batch.failure}")
    if batch.held:
        out.append(
            f"  held for the servicedesk: {batch.new_pupils} pupils new to the school; release or discard it in admin"
        )
    if batch.parsed:
        duration = batch.duration
        out.append(
            f"  {batch.rows_read} read: {batch.rows_new} new, {batch.rows_updated} updated, {batch.rows_unchanged} unchanged, "
            f"{batch.rows_waiting} waiting for their opleiding, {batch.rows_rejected} rejected; of the new, updated "
            f"and unchanged {batch.rows_unmatched} wait for their pupil"
            + (f"; {batch.warnings} with a warning" if batch.warnings else "")
            + (f"; {duration.total_seconds():.2f} s" if duration else "")
        )
    for kind, title in (
        (LineKind.REJECTED, "rejected"),
        (LineKind.UNMATCHED, "unmatched"),
        (LineKind.WAITING, "waiting for opleiding"),
        (LineKind.WARNING, "warning"),
    ):
        lines = list(batch_lines(batch, kind)[: limit + 1])
        for item in lines[:limit]:
            out.append(f"  {title} {batch.line_word} {item.line} [{item.aanmelding_id or '-'}]: {item.reason}")
        if len(lines) > limit:
            out.append(f"  … more {title} lines in the report (admin or /terugkoppeling/{batch.pk}/)")
    return "\n".join(out)
