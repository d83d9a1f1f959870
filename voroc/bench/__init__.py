"""Benchmarks for ``manage.py bench NAME``, one module per area: generated data inside a transaction that is
rolled back afterwards, one JSON-able dict with the figure, its limit measured in the same run and their ratio.

They live here, in the project package, because a benchmark builds a whole scene (schools, groups, pupils,
forms, feeds) across the apps: inside an app it would import the apps above it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction


def reference_seconds() -> float:
    """A fixed piece of pure-Python work, timed in the same run: the unit the limits are expressed in.

    About 0.1 s on a current school server; a slower or busier machine scales the limits with it.
    """
    start = time.perf_counter()
    total = 0
    for i in range(1_500_000):
        total += i * i % 7
    return time.perf_counter() - start


class _Rollback(Exception):
    pass


def in_rolled_back_transaction(work: Callable[[], dict]) -> dict:
    result: dict = {}
    try:
        with transaction.atomic():
            result = work()
            raise _Rollback
    except _Rollback:
        pass
    return result
