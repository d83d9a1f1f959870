"""Reads of the feed, scoped to the user: an ROC-gebruiker sees the batches of their own mbo-school only.

Reports name rows by line and aanmelding_id, never a pupil; they hold no pupil data, so the one access
rule for pupils (students.selectors) is not involved. The servicedesk reads every batch in admin.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import MBO_ROLES
from accounts.models import User

from .models import Batch, BatchLine


def batches_visible_to(user: User) -> QuerySet[Batch]:
    if not user.is_authenticated or not user.is_active or user.role not in MBO_ROLES:
        return Batch.objects.none()
    return Batch.objects.filter(mbo_school_id=user.organisation_id).defer("payload")


def get_batch_for_user(user: User, pk: int) -> Batch:
    """The user's school's batch, or 404 (another school's batch does not exist for them)."""
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def batch_lines(batch: Batch, kind: str | None = None) -> QuerySet[BatchLine]:
    lines = BatchLine.objects.filter(batch=batch)
    if kind:
        lines = lines.filter(kind=kind)
    return lines.order_by("line", "pk")
