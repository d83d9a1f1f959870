"""What the feed keeps about one pupil, for the inzage (AVG), and what goes when the pupil is removed.

The statuses a feed brought are the pupil's aanmeldingen (students). Here: rows that waited for the pupil,
and the lines of batches about the pupil's aanmeldingen (rejected or with a warning). The sealed batch files
themselves hold many pupils; they go when their retention period ends (``feed_batches``).
"""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from students.models import Pupil
from students.privacy import Section, register_section
from students.signals import pupil_removing

from .models import BatchLine, WaitingRow


def _waiting(pupil: Pupil):
    condition = Q(pupil=pupil)
    if pupil.bsn_index:
        condition |= Q(bsn_index=pupil.bsn_index)
    return WaitingRow.objects.filter(condition)


def _lines(pupil: Pupil):
    condition = Q()
    for school_id, external_id in pupil.aanmeldingen.exclude(external_id=None).values_list(
        "mbo_school_id", "external_id"
    ):
        condition |= Q(batch__mbo_school_id=school_id, aanmelding_id=external_id)
    return BatchLine.objects.filter(condition) if condition else BatchLine.objects.none()


def _rows(pupil: Pupil) -> list[dict]:
    rows = [
        {
            "soort": "wachtende regel" if w.matched_at is None else "regel die op de leerling wachtte",
            "mbo_school": w.mbo_school.name,
            "aanmelding_id": w.aanmelding_id,
            "opleiding": f"{w.opleiding} ({w.crebo})",
            "status": w.get_status_display(),
            "statusdatum": w.status_at,
            "ontvangen_op": w.received_at,
            "verwerkt_op": w.matched_at,
            "uitkomst": w.outcome,
        }
        for w in _waiting(pupil).select_related("mbo_school")
    ]
    rows += [
        {
            "soort": line.get_kind_display(),
            "mbo_school": line.batch.mbo_school.name,
            "aanmelding_id": line.aanmelding_id,
            "opleiding": "",
            "status": "",
            "statusdatum": None,
            "ontvangen_op": line.batch.received_at,
            "verwerkt_op": None,
            "uitkomst": line.reason,
        }
        for line in _lines(pupil).select_related("batch", "batch__mbo_school").defer("batch__payload")
    ]
    return rows


register_section(
    Section("terugkoppeling", "Terugkoppeling van de mbo-scholen (regels over de leerling)", _rows, position=25)
)


@receiver(pupil_removing, sender=Pupil)
def remove_what_the_feed_keeps(sender, pupil: Pupil, **kwargs) -> None:
    _lines(pupil).delete()
    _waiting(pupil).delete()
