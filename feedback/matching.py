"""Rows that waited for a pupil are applied the moment a school adds that pupil (or the pupil's BSN).

The feed receives students.signals.pupil_bsn_set (receivers.py); a daily task is the safety net for pupils
that came in without the signal (bulk imports, the demo). Waiting rows go through the one-row path
(rowwise.py), a handful at a time, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.context import acting_as
from students.models import Pupil

from . import rowwise
from .models import WaitingRow
from .parser import FeedRow
from .rules import Outcome


@dataclass
class Matched:
    applied: int = 0
    rejected: int = 0


def match_waiting(*, bsn_index: str) -> Matched:
    """Apply the rows that waited for a pupil with this blind index, oldest first, through the one-row path."""
    done = Matched()
    # The statuses are the mbo-school's, also when applied during the request of the school that added the pupil.
    with transaction.atomic(), override("nl"), acting_as("terugkoppeling mbo", screen="feedback:waiting"):
        waiting = list(
            WaitingRow.objects.select_for_update()
            .select_related("mbo_school")
            .filter(bsn_index=bsn_index, matched_at__isnull=True)
            .order_by("mbo_school_id", "aanmelding_id", "status_at", "batch_id", "line")
        )
        now = timezone.now()
        for item in waiting:
            result = rowwise.apply_row(school=item.mbo_school, row=_feed_row(item), batch_id=item.batch_id)
            if result.outcome == Outcome.UNMATCHED:
                continue  # the pupil is gone again: keep waiting
            item.matched_at, item.pupil_id = now, result.pupil_id
            if result.outcome == Outcome.REJECTED:
                item.outcome = result.reason[:300]
                done.rejected += 1
            else:
                item.outcome = str(_("verwerkt"))
                done.applied += 1
            item.save(update_fields=["matched_at", "pupil", "outcome"])
    return done


def match_all_waiting() -> Matched:
    """The safety net (daily): every waiting row whose BSN now belongs to a pupil, however that pupil came in."""
    total = Matched()
    indexes = (
        WaitingRow.objects.filter(matched_at__isnull=True, bsn_index__in=Pupil.objects.values("bsn_index"))
        .values_list("bsn_index", flat=True)
        .distinct()
    )
    for index in list(indexes):
        done = match_waiting(bsn_index=index)
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
