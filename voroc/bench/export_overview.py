"""``manage.py bench export_overview``: the Leerling overzicht of 600 generated pupils as Excel and as PDF (generated
data, rolled back afterwards). Limits are in units of voroc.bench.reference_seconds, measured in the same run."""

from __future__ import annotations

import io
import random
import time

from . import create_pupils, in_rolled_back_transaction, reference_seconds, vo_school

# Limits in reference units: Excel of 600 pupils within ~5 s, a PDF within ~60 s on a machine where the
# reference takes 0.1 s (a PDF of that size runs in the background with a progress bar).
EXCEL_LIMIT_UNITS = 50
PDF_LIMIT_UNITS = 600


def export_overview(pupils: int = 600) -> dict:
    from accounts.models import Organisation, OrganisationKind
    from students.demo_data import seed_applications, seed_catalogue
    from students.exports import OverviewExporter
    from students.listing import PupilListing
    from students.models import Pupil
    from students.schoolyear import current_school_year

    def work() -> dict:
        rng = random.Random(600)
        year = current_school_year()
        mbo = {
            code: Organisation.objects.create(kind=OrganisationKind.MBO_SCHOOL, code=code, name=f"Bench {code}")
            for code in ("25AA", "25BB")
            if not Organisation.objects.filter(code=code).exists()
        } or {o.code: o for o in Organisation.objects.filter(code__in=("25AA", "25BB"))}
        seed_catalogue(mbo)
        school, user, groups = vo_school("99ZZ", groups=6)
        create_pupils(rng, pupils, schools=[school], year=year, postcode_areas=["2511", "2512"], groups=groups)
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

    return in_rolled_back_transaction(work)
