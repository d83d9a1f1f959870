"""School years (cohorts). A school year runs from 1 August to 31 July and is named by its first year."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

FIRST_MONTH = 8  # August


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= FIRST_MONTH else day.year - 1


CACHE_KEY = "voroc:current-school-year"


# Within one request (or one task) the year is read from the cache once: a list asks for it per row (the
# overview's form icon decides "vergrendeld" with it), and each cache read is a round trip to Redis. Outside
# such a scope (a shell, a management command, a test's own code) every call reads the cache, as before.
_memo: ContextVar[dict[str, int] | None] = ContextVar("voroc_school_year_memo", default=None)


def current_school_year() -> int:
    """The newest year started with ``manage.py start_school_year``; before any start, the calendar's."""
    memo = _memo.get()
    if memo is not None and "year" in memo:
        return memo["year"]
    year = cache.get(CACHE_KEY)
    if year is None:
        from .models import SchoolYearStart  # the models use this module for their defaults

        started = SchoolYearStart.objects.order_by("-year").values_list("year", flat=True).first()
        year = started or school_year_of(timezone.localdate())
        cache.set(CACHE_KEY, year, 300)
    if memo is not None:
        memo["year"] = year
    return year


def forget_current_school_year() -> None:
    cache.delete(CACHE_KEY)
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def open_scope() -> Token:
    """Start reading the year once (a request, a task); close it with ``close_scope`` and the token."""
    return _memo.set({})


def close_scope(token: Token) -> None:
    _memo.reset(token)


_task_scopes: dict[str, Token] = {}


def task_started(task_id: str | None = None, **kwargs) -> None:
    """Celery's task_prerun: each task reads the year afresh, once (a worker runs for weeks)."""
    if task_id is not None:
        _task_scopes[task_id] = open_scope()


def task_finished(task_id: str | None = None, **kwargs) -> None:
    """Celery's task_postrun: back to the scope the task ran in (a request, for a task run eagerly)."""
    token = _task_scopes.pop(task_id, None) if task_id is not None else None
    if token is not None:
        try:
            close_scope(token)
        except ValueError:  # not the context it was opened in: leave no memo behind
            _memo.set(None)


class SchoolYearPerRequestMiddleware:
    """The current school year is read once per request (see ``_memo``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = open_scope()
        try:
            return self.get_response(request)
        finally:
            close_scope(token)


def label(year: int) -> str:
    """2026 → "2026-2027", as schools write it."""
    return f"{year}-{year + 1}"
