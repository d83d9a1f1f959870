"""What the feed does when other apps tell it something (connected in FeedbackConfig.ready)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from students.models import Opleiding, Pupil
from students.signals import pupil_bsn_set

from .models import WaitingRow, WaitsFor


@receiver(pupil_bsn_set, sender=Pupil)
def match_rows_waiting_for(sender, pupil: Pupil, **kwargs) -> None:
    """A school added this pupil (or their BSN): rows that waited for them are applied now, nothing is sent again."""
    if (
        not pupil.bsn_index
        or not WaitingRow.objects.filter(bsn_index=pupil.bsn_index, matched_at__isnull=True).exists()
    ):
        return
    from .tasks import match_waiting_for_pupil

    match_waiting_for_pupil.delay(pupil.pk)


@receiver(post_save, sender=Opleiding)
def match_rows_waiting_for_opleiding(sender, instance: Opleiding, **kwargs) -> None:
    """An opleiding was added to (or changed in) a school's catalogue: rows that named its crebo are applied now."""
    if (
        not instance.crebo
        or not WaitingRow.objects.filter(
            mbo_school_id=instance.school_id,
            crebo=instance.crebo,
            waits_for=WaitsFor.OPLEIDING,
            matched_at__isnull=True,
        ).exists()
    ):
        return
    from .tasks import match_waiting_for_opleiding

    school_id, crebo = instance.school_id, instance.crebo
    transaction.on_commit(lambda: match_waiting_for_opleiding.delay(school_id, crebo), robust=True)
