"""manage.py bench form_pdf: one form as PDF, and a bundle of 100 forms as a ZIP of PDFs (generated data,
rolled back afterwards). Limits are in units of voroc.bench.reference_seconds, measured in the same run."""

from __future__ import annotations

import io
import random
import time

from . import create_pupils, in_rolled_back_transaction, reference_seconds, vo_school

# On a machine where the reference takes 0.1 s: one PDF within ~3 s (the user waits for it), a bundle of
# 100 within ~2 minutes (a background task with a progress bar).
ONE_PDF_LIMIT_UNITS = 30
BUNDLE_LIMIT_UNITS = 1200


def form_pdf(forms: int = 100) -> dict:
    from doorstroom import document, pdf
    from doorstroom.bundle import complete_forms, write_zip
    from doorstroom.demo import _attach_lob, answers_for
    from doorstroom.models import Formulier
    from doorstroom.selectors import current_declaration
    from doorstroom.services import refresh_state
    from students.models import Pupil
    from students.schoolyear import current_school_year

    def work() -> dict:
        rng = random.Random(100)
        year = current_school_year()
        school, user, groups = vo_school("98ZZ", groups=4)
        create_pupils(rng, forms, schools=[school], year=year, groups=groups)
        declaration = current_declaration(region=school.region, school_year=year)
        spec = declaration.parsed()
        for pupil in Pupil.objects.filter(school=school).select_related("school"):
            form = Formulier.objects.create(pupil=pupil, declaration=declaration, answers=answers_for(spec, rng))
            _attach_lob(form, pupil, user)
            refresh_state(form, changed=False, by=user)
            form.save()

        reference = reference_seconds()
        bundle = complete_forms(user)
        start = time.perf_counter()
        one = pdf.render(document.build(bundle[0], links=False))
        one_seconds = time.perf_counter() - start
        start = time.perf_counter()
        out = io.BytesIO()
        count = write_zip(bundle, out)
        bundle_seconds = time.perf_counter() - start
        one_limit, bundle_limit = ONE_PDF_LIMIT_UNITS * reference, BUNDLE_LIMIT_UNITS * reference
        return {
            "benchmark": "form_pdf",
            "forms": count,
            "reference_seconds": round(reference, 4),
            "one_pdf_seconds": round(one_seconds, 3),
            "one_pdf_bytes": len(one),
            "one_pdf_limit_seconds": round(one_limit, 3),
            "one_pdf_ratio": round(one_seconds / one_limit, 3),
            "bundle_seconds": round(bundle_seconds, 3),
            "bundle_seconds_per_form": round(bundle_seconds / max(count, 1), 3),
            "bundle_bytes": len(out.getvalue()),
            "bundle_limit_seconds": round(bundle_limit, 3),
            "bundle_ratio": round(bundle_seconds / bundle_limit, 3),
            "within_limits": one_seconds <= one_limit and bundle_seconds <= bundle_limit,
        }

    return in_rolled_back_transaction(work)
