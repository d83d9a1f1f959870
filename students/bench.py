"""Benchmarks for ``manage.py bench``: generated data inside a transaction that is rolled back afterwards."""

from __future__ import annotations

import io
import random
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


def _in_rolled_back_transaction(work: Callable[[], dict]) -> dict:
    result: dict = {}
    try:
        with transaction.atomic():
            result = work()
            raise _Rollback
    except _Rollback:
        pass
    return result


# Limits in reference units: Excel of 600 pupils within ~5 s, a PDF within ~60 s on a machine where the
# reference takes 0.1 s (a PDF of that size runs in the background with a progress bar).
EXCEL_LIMIT_UNITS = 50
PDF_LIMIT_UNITS = 600


def export_overview(pupils: int = 600) -> dict:
    from accounts.models import Organisation, OrganisationKind, Role, User
    from groups.models import Group

    from .demo_data import generate_bsns, generate_pupils, seed_applications, seed_catalogue
    from .exports import OverviewExporter
    from .listing import PupilListing
    from .models import Pupil
    from .schoolyear import current_school_year

    def work() -> dict:
        rng = random.Random(600)
        year = current_school_year()
        mbo = {
            code: Organisation.objects.create(kind=OrganisationKind.MBO_SCHOOL, code=code, name=f"Bench {code}")
            for code in ("25AA", "25BB")
            if not Organisation.objects.filter(code=code).exists()
        } or {o.code: o for o in Organisation.objects.filter(code__in=("25AA", "25BB"))}
        seed_catalogue(mbo)
        school = Organisation.objects.create(kind=OrganisationKind.VO_SCHOOL, code="99ZZ", name="Bench-school")
        user = User.objects.create_user("bench.decaan", None, organisation=school, role=Role.DECAAN)
        groups = [Group.objects.create(school=school, name=f"B{n}") for n in range(6)]
        people = generate_pupils(rng, pupils, postcode_areas=["2511", "2512"], woonplaats="Den Haag", school_year=year)
        rows = []
        for n, (person, number) in enumerate(zip(people, generate_bsns(rng, pupils), strict=True)):
            pupil = Pupil(school=school, school_year=year, group=groups[n % 6], **person.__dict__)
            pupil.set_bsn(number)
            pupil.refresh_search_name()
            rows.append(pupil)
        Pupil.objects.bulk_create(rows)
        seed_applications(rng, list(Pupil.objects.filter(school=school)), list(mbo.values()))

        reference = reference_seconds()
        start = time.perf_counter()
        exporter = OverviewExporter(PupilListing(user=user, year=year, params={}))
        excel = io.BytesIO()
        count = exporter.write_xlsx(excel)
        excel_seconds = time.perf_counter() - start
        start = time.perf_counter()
        exporter = OverviewExporter(PupilListing(user=user, year=year, params={}))
        pdf = io.BytesIO()
        exporter.write_pdf(pdf)
        pdf_seconds = time.perf_counter() - start
        excel_limit, pdf_limit = EXCEL_LIMIT_UNITS * reference, PDF_LIMIT_UNITS * reference
        return {
            "benchmark": "export_overview",
            "rows": count,
            "reference_seconds": round(reference, 4),
            "excel_seconds": round(excel_seconds, 3),
            "excel_rows_per_second": round(count / excel_seconds, 1),
            "excel_limit_seconds": round(excel_limit, 3),
            "excel_ratio": round(excel_seconds / excel_limit, 3),
            "pdf_seconds": round(pdf_seconds, 3),
            "pdf_rows_per_second": round(count / pdf_seconds, 1),
            "pdf_limit_seconds": round(pdf_limit, 3),
            "pdf_ratio": round(pdf_seconds / pdf_limit, 3),
            "pdf_bytes": len(pdf.getvalue()),
            "within_limits": excel_seconds <= excel_limit and pdf_seconds <= pdf_limit,
        }

    return _in_rolled_back_transaction(work)
