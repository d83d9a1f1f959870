"""What the page benchmarks share: one vo-school's scene built with the region generator's parts, a page timed as a
user gets it through Django's test client, and its limit timed in the same run: one bare SQL query fetching the
same rows, rendered by a minimal template. Each page benchmark prints ``name``, ``figure_s`` (the page, median of
RUNS requests), ``limit_s`` (the bare query and template, median of RUNS), ``ratio`` (figure / limit, the aim is
at most AIM), ``queries`` (of the last request) and ``html_kb``."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection

if TYPE_CHECKING:
    from accounts.models import User

    from .region import Scene

RUNS = 3
AIM = 2  # a list page within 2× its limit
HTML_AIM_KB = 200  # and under 200 KB of HTML at 600 pupils
SEED = 600
# What autovacuum keeps analysed on a live database: the tables the pages read (not timed).
TABLES = (
    "students_pupil",
    "students_aanmelding",
    "students_statuschange",
    "students_elders",
    "groups_group",
    "doorstroom_formulier",
    "notifications_melding",
    "notifications_meldingread",
)


def school_scene(pupils: int, *, seed: int = SEED) -> Scene:
    """One vo-school with ``pupils`` pupils this year (and last year's), groups of ~25 with a mentor per two,
    the region's mbo-schools and gemeenten, aanmeldingen, doorstroomformulieren, meldingen and the gemeente's
    cases: the region generator's parts with a single vo-school. Call it inside a rolled-back transaction."""
    from django.utils import timezone

    from students.schoolyear import current_school_year

    from . import region
    from .region_cases import gemeente, meldingen
    from .region_forms import forms

    spec = dataclasses.replace(region.REGIONS["haaglanden"], name="bench", pupils=pupils, vo_schools=1)
    scene = region.Scene(spec=spec, seed=seed, year=current_school_year(), now=timezone.now(), pupils=pupils)
    region.organisations(scene)
    region.users(scene)
    region.catalogue(scene)
    region.groups_and_mentors(scene)
    region.pupils_of_both_years(scene, pupils, None)
    region.aanmeldingen(scene)
    forms(scene)
    meldingen(scene)
    gemeente(scene)
    analyze()
    return scene


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(TABLES)}")  # fixed table names, no input


def logged_in(user: User) -> Any:
    """A test client logged in as ``user``, with the second factor given where the user's role asks for one."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.create(user=user, name="meting", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def time_page(user: User, url: str, *, data: dict | None = None, runs: int = RUNS) -> tuple[float, int, int]:
    """The median seconds of ``runs`` GET requests (after one to warm up), the queries and HTML bytes of the last."""
    from django.test.utils import CaptureQueriesContext

    client = logged_in(user)
    client.get(url, data)  # warm: templates compiled, URL resolver loaded, the search session set
    times, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, data)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
        queries, size = len(captured.captured_queries), len(response.content)
    return statistics.median(times), queries, size


def time_limit(sql: str, params: Sequence[Any], template: str, *, runs: int = RUNS) -> tuple[float, int]:
    """The median seconds of ``runs`` times: ``sql`` fetched and its rows rendered by ``template`` (a Django
    template string that sees ``rows``); and the number of rows."""
    from django.template import Context, Template

    compiled = Template(template)
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        compiled.render(Context({"rows": rows}))
        times.append(time.perf_counter() - start)
        count = len(rows)
    return statistics.median(times), count


def line(name: str, figure: float, limit: float, queries: int, size: int | None, **extra: Any) -> dict:
    """The benchmark's JSON line."""
    result: dict[str, Any] = {
        "name": name,
        "database": connection.vendor,
        "figure_s": round(figure, 4),
        "limit_s": round(limit, 4),
        "ratio": round(figure / limit, 2) if limit else None,
        "queries": queries,
    }
    if size is not None:
        result["html_kb"] = round(size / 1024, 1)
    result.update(extra)
    result["within_aim"] = bool(limit) and figure <= AIM * limit
    return result
