"""Batches are kept for FEEDBACK_RETENTION_DAYS (the sealed file, its report and the rows still waiting), then go."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Batch

logger = logging.getLogger(__name__)


def cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.FEEDBACK_RETENTION_DAYS)


def purge_expired() -> int:
    """Delete batches received before the retention period, with their lines and waiting rows. Returns batches."""
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(Batch.objects.filter(received_at__lt=cutoff()).order_by("pk").values_list("pk", flat=True)[:100])
            if not ids:
                break
            Batch.objects.filter(rerun_of__in=ids).update(rerun_of=None)
            Batch.objects.filter(duplicate_of__in=ids).update(duplicate_of=None)
            Batch.objects.filter(pk__in=ids).delete()
            removed += len(ids)
    if removed:
        logger.info("Removed %s feed batches older than %s days.", removed, settings.FEEDBACK_RETENTION_DAYS)
    return removed
