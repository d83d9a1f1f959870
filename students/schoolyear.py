"""School years (cohorts). A school year runs from 1 August to 31 July and is named by its first year."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

FIRST_MONTH = 8  # August


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= FIRST_MONTH else day.year - 1


CACHE_KEY = "voroc:current-school-year"


def current_school_year() -> int:
    """The newest year started with ``manage.py start_school_year``; before any start, the calendar's."""
    year = cache.get(CACHE_KEY)
    if year is None:
        from .models import SchoolYearStart  # the models use this module for their defaults

        started = SchoolYearStart.objects.order_by("-year").values_list("year", flat=True).first()
        year = started or school_year_of(timezone.localdate())
        cache.set(CACHE_KEY, year, 300)
    return year


def forget_current_school_year() -> None:
    cache.delete(CACHE_KEY)


def label(year: int) -> str:
    """2026 → "2026-2027", as schools write it."""
    return f"{year}-{year + 1}"
