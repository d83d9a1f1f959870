"""Rows that waited for a pupil are applied the moment a school adds that pupil (or the pupil's BSN); rows that
waited for an opleiding, the moment it is added to the school's catalogue (import_opleidingen, admin).

The feed receives students.signals.pupil_bsn_set (receivers.py); a daily task is the safety net for pupils
that came in without the signal (bulk imports, the demo). Waiting rows go through the one-row path
(rowwise.py), a handful at a time, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.context import acting_as
from students.models import Opleiding, Pupil

from . import rowwise
from .models import WaitingRow, WaitsFor
from .parser import FeedRow
from .rules import Outcome


@dataclass
class Matched:
    applied: int = 0
    rejected: int = 0


def match_waiting(*, bsn_index: str) -> Matched:
    """Apply the rows that waited for a pupil with this blind index, oldest first, through the one-row path."""
    with transaction.atomic(), override("nl"), acting_as("terugkoppeling mbo", screen="feedback:waiting"):
        return _apply(
            WaitingRow.objects.select_for_update().filter(bsn_index=bsn_index, matched_at__isnull=True),
        )


def match_waiting_for_opleiding(*, school_id: int, crebo: str) -> Matched:
    """Apply the rows of a school that waited for an opleiding with this crebo (added to its catalogue)."""
    with transaction.atomic(), override("nl"), acting_as("terugkoppeling mbo", screen="feedback:waiting"):
        return _apply(
            WaitingRow.objects.select_for_update().filter(
                mbo_school_id=school_id, crebo=crebo, waits_for=WaitsFor.OPLEIDING, matched_at__isnull=True
            ),
        )


def _apply(rows: QuerySet[WaitingRow]) -> Matched:
    """Each row through the one-row path. A row that still waits (for its pupil, or for its opleiding) stays, noting
    what it waits for now; the others are done, applied or rejected."""
    # The statuses are the mbo-school's, also when applied during the request of the school that added the pupil.
    done = Matched()
    waiting = list(
        rows.select_related("mbo_school").order_by("mbo_school_id", "aanmelding_id", "status_at", "batch_id", "line")
    )
    now = timezone.now()
    for item in waiting:
        result = rowwise.apply_row(school=item.mbo_school, row=_feed_row(item), batch_id=item.batch_id)
        if result.outcome in STILL_WAITING:
            if item.waits_for != STILL_WAITING[result.outcome]:
                item.waits_for = STILL_WAITING[result.outcome]
                item.save(update_fields=["waits_for"])
            continue
        item.matched_at, item.pupil_id = now, result.pupil_id
        if result.outcome == Outcome.REJECTED:
            item.outcome = result.reason[:300]
            done.rejected += 1
        else:
            item.outcome = str(_("verwerkt"))
            done.applied += 1
        item.save(update_fields=["matched_at", "pupil", "outcome"])
    return done


STILL_WAITING = {Outcome.UNMATCHED: WaitsFor.PUPIL, Outcome.WAITING: WaitsFor.OPLEIDING}


def match_all_waiting() -> Matched:
    """The safety net (daily): every waiting row whose BSN now belongs to a pupil, however that pupil came in, and
    every row waiting for an opleiding that is in its school's catalogue now."""
    total = Matched()
    indexes = (
        WaitingRow.objects.filter(
            matched_at__isnull=True, waits_for=WaitsFor.PUPIL, bsn_index__in=Pupil.objects.values("bsn_index")
        )
        .values_list("bsn_index", flat=True)
        .distinct()
    )
    for index in list(indexes):
        done = match_waiting(bsn_index=index)
        total.applied += done.applied
        total.rejected += done.rejected
    in_catalogue = Opleiding.objects.filter(school_id=OuterRef("mbo_school_id"), crebo=OuterRef("crebo"))
    opleidingen = (
        WaitingRow.objects.filter(matched_at__isnull=True, waits_for=WaitsFor.OPLEIDING)
        .filter(Exists(in_catalogue))
        .values_list("mbo_school_id", "crebo")
        .distinct()
    )
    for school_id, crebo in list(opleidingen):
        done = match_waiting_for_opleiding(school_id=school_id, crebo=crebo)
        total.applied += done.applied
        total.rejected += done.rejected
    return total


def _feed_row(item: WaitingRow) -> FeedRow:
    return FeedRow(
        line=item.line,
        aanmelding_id=item.aanmelding_id,
        bsn_index=item.bsn_index,
        crebo=item.crebo,
        status=item.status,
        at=item.status_at,
        opleiding=item.opleiding,
        niveau=item.niveau,
        leerweg=item.leerweg,
        locatie=item.locatie,
        cohort=item.cohort,
    )
