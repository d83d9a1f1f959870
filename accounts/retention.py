"""Retention periods: how long each kind of record is kept, and how it goes when its time is up.

Each app registers its own categories (``register`` in its AppConfig.ready); ``manage.py purge_expired``
(daily through Celery beat) runs them all. A period is configurable per category with
``VOROC_RETENTION_DAYS`` ("pupils=730,meldingen=365"); the defaults are those of the processing agreement.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # what the report calls it (Dutch)
    default_days: int
    counts_from: str  # from when the period counts, in words (Dutch), for the report and the README
    # expired(cutoff) → how many records are past their period; purge(cutoff) → removes them, returns the count
    expired: Callable[[datetime.datetime], int]
    purge: Callable[[datetime.datetime], int]

    @property
    def days(self) -> int:
        return int(settings.VOROC_RETENTION_DAYS.get(self.key, self.default_days))

    @classmethod
    def of_records(
        cls, *, key: str, label: str, default_days: int, counts_from: str, records: Callable[[datetime.datetime], Any]
    ) -> Category:
        """The common case: ``records(cutoff)`` is a QuerySet of what is past; it is counted, or deleted."""
        return cls(
            key=key,
            label=label,
            default_days=default_days,
            counts_from=counts_from,
            expired=lambda cutoff: records(cutoff).count(),
            purge=lambda cutoff: records(cutoff).delete()[0],
        )

    def cutoff(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """Records older than this (counted from ``counts_from``) are past their period."""
        return (now or timezone.now()) - datetime.timedelta(days=self.days)


_CATEGORIES: dict[str, Category] = {}


def register(category: Category) -> None:
    _CATEGORIES[category.key] = category


def categories() -> list[Category]:
    return sorted(_CATEGORIES.values(), key=lambda c: c.key)


@dataclass(frozen=True)
class Outcome:
    category: Category
    cutoff: datetime.datetime
    count: int


def run(*, dry_run: bool, now: datetime.datetime | None = None) -> list[Outcome]:
    """Every category: what is past its period (``dry_run``), or remove it. Each category is its own step, so
    a failure in one leaves the others done and the run can simply be repeated."""
    outcomes = []
    for category in categories():
        cutoff = category.cutoff(now)
        count = category.expired(cutoff) if dry_run else category.purge(cutoff)
        outcomes.append(Outcome(category, cutoff, count))
    return outcomes
