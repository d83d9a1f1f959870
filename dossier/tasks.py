"""Background work for the pupils' dossiers. Tasks take ids (or nothing) and call the code that does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task
def remind_holders() -> int:
    """Every morning (Celery beat): a reminder to whoever holds a dossier too long (reminders.py)."""
    from .reminders import remind_all

    return remind_all()
