"""Batches are kept a year by default (the sealed file, its report and the rows still waiting), then go; a file too
large to read, kept unread in the inbox's failed/ folder, goes after 30 days.

The period is the retention category ``feed_batches`` (accounts/retention.py, ``VOROC_RETENTION_DAYS``);
``manage.py purge_expired`` removes them with everything else that is past its period.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register

from .inbox import refused_files
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


def purge_refused_files(cutoff: datetime.datetime) -> int:
    files = refused_files(cutoff)
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)


register(
    Category(
        key="feed_refused_files",
        label=str(_("te grote bestanden in het postvak van de mbo-scholen, ongelezen bewaard")),
        default_days=30,
        counts_from=str(_("het weigeren van het bestand")),
        expired=lambda cutoff: len(refused_files(cutoff)),
        purge=purge_refused_files,
    )
)
