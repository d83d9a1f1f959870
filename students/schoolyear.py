"""School years (cohorts). A school year runs from 1 August to 31 July and is named by its first year."""

from __future__ import annotations

import datetime

from django.utils import timezone

FIRST_MONTH = 8  # August


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def current_school_year() -> int:
    return school_year_of(timezone.localdate())


def label(year: int) -> str:
    """2026 → "2026-2027", as schools write it."""
    return f"{year}-{year + 1}"
