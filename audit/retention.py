"""The audit log is kept five years (by default); then its entries go, and the keys nobody needs any more."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register

from .models import AuditEntry, PupilKey


def _purge(cutoff) -> int:
    removed = AuditEntry.objects.purge_before(cutoff)
    # A key seals values of entries about its pupil; with no entry left, it seals nothing. NOT EXISTS, not NOT IN:
    # PostgreSQL cannot hash a NOT IN subquery of millions of entries and would scan them once per key.
    still_used = AuditEntry.objects.filter(pupil_id=OuterRef("pupil_id"))
    PupilKey.objects.filter(created_at__lt=cutoff).exclude(Exists(still_used)).delete()
    return removed


register(
    Category(
        key="audit",
        label=str(_("logboek")),
        default_days=5 * 365,
        counts_from=str(_("de handeling")),
        expired=lambda cutoff: AuditEntry.objects.filter(at__lt=cutoff).count(),
        purge=_purge,
    )
)
