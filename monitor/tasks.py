"""Background work of the monitor: the monthly reports. Tasks take plain values and call the code that does the work."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import reports


@shared_task(acks_late=True)
def make_monthly_reports(peildatum: str | None = None) -> int:
    """Daily (beat): every gemeente's report of this month's peildatum (the first), when it does not exist yet.

    A missed first is made on the next run; a second run makes nothing. ``peildatum`` (ISO date of a first day)
    makes the reports of another month (the demo's).
    """
    day = datetime.date.fromisoformat(peildatum) if peildatum else reports.peildatum_of(timezone.localdate())
    return reports.make_missing_reports(day)
