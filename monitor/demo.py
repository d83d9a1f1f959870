"""The demo's monthly reports: the demo gemeenten's reports of this month's and last month's peildatum.

They are asked of the task that makes them every morning (``make_monthly_reports``), once the demo's data is
committed; without Redis the task runs at once. Idempotent: the task makes only the reports that are missing.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from .reports import peildatum_of
from .tasks import make_monthly_reports


def demo_peildata(today: datetime.date) -> list[datetime.date]:
    this_month = peildatum_of(today)
    return [peildatum_of(this_month - datetime.timedelta(days=1)), this_month]


@transaction.atomic
def seed_reports() -> int:
    """Ask for the reports after the commit (their files are written by the task); no record is made here."""
    for peildatum in demo_peildata(timezone.localdate()):
        transaction.on_commit(partial(make_monthly_reports.delay, peildatum.isoformat()))
    return 0
