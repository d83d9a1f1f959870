"""Background work of the feed. Tasks take ids and call a service; every one of them may run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
)
def ingest_batch(batch_id: int) -> None:
    """Apply one received batch. A worker that dies half-way leaves the message unacknowledged: the next worker
    continues after the last chunk that was committed."""
    from .services import ingest

    ingest(batch_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def pickup_inbox() -> int:
    """Daily (Celery beat) and on demand (admin, manage.py pickup_feedback_inbox): files in FEEDBACK_INBOX."""
    from .inbox import pickup

    return len(pickup())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def match_waiting_for_pupil(pupil_id: int) -> int:
    """A pupil got a BSN: apply the rows that waited for it."""
    from students.models import Pupil

    from .matching import match_waiting

    index = Pupil.objects.filter(pk=pupil_id).values_list("bsn_index", flat=True).first()
    if not index:
        return 0
    done = match_waiting(bsn_index=index)
    return done.applied + done.rejected


@shared_task(acks_late=True, reject_on_worker_lost=True)
def match_waiting_for_opleiding(school_id: int, crebo: str) -> int:
    """An opleiding with this crebo is in the school's catalogue now: apply the rows that waited for it."""
    from .matching import match_waiting_for_opleiding as match

    done = match(school_id=school_id, crebo=crebo)
    return done.applied + done.rejected


@shared_task(acks_late=True, reject_on_worker_lost=True)
def match_all_waiting() -> int:
    from .matching import match_all_waiting as match_all

    done = match_all()
    return done.applied + done.rejected


@shared_task
def resume_stalled_batches() -> int:
    from .services import resume_stalled

    return len(resume_stalled())
