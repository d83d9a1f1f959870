"""What the feed does when other apps tell it something (connected in FeedbackConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from students.models import Pupil
from students.signals import pupil_bsn_set

from .models import WaitingRow


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
