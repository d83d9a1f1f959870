"""Background work that spans the apps."""

from celery import shared_task

from accounts.retention import run


@shared_task(acks_late=True)
def purge_expired() -> int:
    """Daily: remove what is past its retention period (manage.py purge_expired does the same)."""
    return sum(outcome.count for outcome in run(dry_run=False))
