"""Batches are kept a year by default (the sealed file, its report and the rows still waiting), then go.

The period is the retention category ``feed_batches`` (accounts/retention.py, ``VOROC_RETENTION_DAYS``);
``manage.py purge_expired`` removes them with everything else that is past its period.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register

from .models import Batch


def purge_before(cutoff: datetime.datetime) -> int:
    """Delete batches received before ``cutoff``, with their lines and waiting rows. Returns the batches."""
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(Batch.objects.filter(received_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:100])
            if not ids:
                break
            Batch.objects.filter(rerun_of__in=ids).update(rerun_of=None)
            Batch.objects.filter(duplicate_of__in=ids).update(duplicate_of=None)
            Batch.objects.filter(pk__in=ids).delete()
            removed += len(ids)
    return removed


register(
    Category(
        key="feed_batches",
        label=str(_("leveringen van de mbo-scholen (bestand, verslag, wachtende regels)")),
        default_days=365,
        counts_from=str(_("de ontvangst van de levering")),
        expired=lambda cutoff: Batch.objects.filter(received_at__lt=cutoff).count(),
        purge=purge_before,
    )
)
