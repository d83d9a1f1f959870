"""Benchmarks for ``manage.py bench NAME``, one module per area: generated data inside a transaction that is
rolled back afterwards, one JSON-able dict with the figure, its limit measured in the same run and their ratio.

They live here, in the project package, because a benchmark builds a whole scene (schools, groups, pupils,
forms, feeds) across the apps: inside an app it would import the apps above it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from accounts.models import Organisation, User
    from groups.models import Group


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


def vo_school(code: str, *, groups: int) -> tuple[Organisation, User, list[Group]]:
    """A vo-school with its decaan and ``groups`` groups (B0, B1, …)."""
    from accounts.models import Organisation, OrganisationKind, Role, User
    from groups.models import Group

    school = Organisation.objects.create(kind=OrganisationKind.VO_SCHOOL, code=code, name="Bench-school")
    user = User.objects.create_user("bench.decaan", None, organisation=school, role=Role.DECAAN)
    return school, user, [Group.objects.create(school=school, name=f"B{n}") for n in range(groups)]


def create_pupils(
    rng: random.Random,
    count: int,
    *,
    schools: Sequence[Organisation],
    year: int,
    postcode_areas: Sequence[str] = ("2511",),
    groups: Sequence[Group] = (),
    bsns: Sequence[str] | None = None,
) -> None:
    """``count`` generated pupils in Den Haag, spread in turn over ``schools`` and ``groups``, each with an
    encrypted BSN (generated after the pupils unless given) and a search name, written in bulk."""
    from students.demo_data import generate_bsns, generate_pupils
    from students.models import Pupil

    people = generate_pupils(rng, count, postcode_areas=list(postcode_areas), woonplaats="Den Haag", school_year=year)
    numbers = generate_bsns(rng, count) if bsns is None else bsns
    rows = []
    for n, (person, number) in enumerate(zip(people, numbers, strict=True)):
        pupil = Pupil(
            school=schools[n % len(schools)],
            school_year=year,
            group=groups[n % len(groups)] if groups else None,
            **person.__dict__,
        )
        pupil.set_bsn(number)
        pupil.refresh_search_name()
        rows.append(pupil)
    Pupil.objects.bulk_create(rows, batch_size=2000)
