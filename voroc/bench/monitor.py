"""``manage.py bench monitor``: the gemeente's Monitor page over 5,000 resident pupils at 20 vo-schools, with
aanmeldingen and their histories (generated, rolled back afterwards), timed as a user gets it (median of 10
requests) beside its limit measured in the same run: bare SQL computing the same counts (the pupils per school
with aangemeld, definitieve keuze, zonder bestemming, and the aanmeldingen per status), without Django.
BENCH_DETAIL=1 adds the slowest queries of the last request."""

from __future__ import annotations

import os
import random
import statistics
import time

from . import create_pupils, in_rolled_back_transaction

RUNS = 10
LIMIT_FACTOR = 2  # aim: the page within 2× the bare aggregate

BARE_PUPILS = """
SELECT p.school_id, COUNT(*),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM students_aanmelding a WHERE a.pupil_id = p.id)
            OR EXISTS (SELECT 1 FROM students_elders e WHERE e.pupil_id = p.id) THEN 1 ELSE 0 END),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM students_aanmelding a WHERE a.pupil_id = p.id AND a.status = 7)
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM students_aanmelding a WHERE a.pupil_id = p.id AND a.status = 7)
            AND NOT EXISTS (SELECT 1 FROM students_elders e WHERE e.pupil_id = p.id) THEN 1 ELSE 0 END)
FROM students_pupil p
WHERE p.school_year = %s
  AND SUBSTR(p.postcode, 1, 4) IN (SELECT postcode FROM accounts_gemeentepostcode WHERE gemeente_id = %s)
GROUP BY p.school_id
"""
BARE_STATUSES = """
SELECT a.status, COUNT(*) FROM students_aanmelding a JOIN students_pupil p ON p.id = a.pupil_id
WHERE p.school_year = %s
  AND SUBSTR(p.postcode, 1, 4) IN (SELECT postcode FROM accounts_gemeentepostcode WHERE gemeente_id = %s)
GROUP BY a.status
"""


def monitor(pupils: int = 5000, schools: int = 20) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import GemeentePostcode, Organisation, OrganisationKind, Role, User
    from students.demo_data import seed_applications, seed_catalogue
    from students.models import Pupil
    from students.schoolyear import current_school_year

    def work() -> dict:
        rng = random.Random(5000)
        year = current_school_year()
        gemeente = Organisation.objects.create(kind=OrganisationKind.GEMEENTE, code="GM9999", name="Bench-gemeente")
        areas = [str(area) for area in range(9901, 9921)]
        GemeentePostcode.objects.bulk_create([GemeentePostcode(postcode=a, gemeente=gemeente) for a in areas])
        user = User.objects.create_user("bench.gemeente", None, organisation=gemeente, role=Role.GEMEENTE)
        User.objects.filter(pk=user.pk).update(profile_checked_at=timezone.now())  # past the first-login check
        vo = [
            Organisation.objects.create(
                kind=OrganisationKind.VO_SCHOOL, code=f"98{chr(65 + n // 26)}{chr(65 + n % 26)}", name=f"Bench {n}"
            )
            for n in range(schools)
        ]
        mbo = [
            Organisation.objects.create(kind=OrganisationKind.MBO_SCHOOL, code=code, name=f"Bench {code}")
            for code in ("97AA", "97BB")
        ]
        seed_catalogue({"25AA": mbo[0], "25BB": mbo[1]})
        create_pupils(rng, pupils, schools=vo, year=year, postcode_areas=areas)
        seed_applications(rng, list(Pupil.objects.filter(school__in=vo)), mbo)

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get("/monitor/")  # warm: templates compiled, URL resolver loaded
        page_times, queries = [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get("/monitor/")
                page_times.append(time.perf_counter() - start)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
            queries = len(captured.captured_queries)
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:6]
        bare_times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(BARE_PUPILS, [year, gemeente.pk])
                rows = cursor.fetchall()
                cursor.execute(BARE_STATUSES, [year, gemeente.pk])
                cursor.fetchall()
            bare_times.append(time.perf_counter() - start)
        assert sum(r[1] for r in rows) == pupils
        page, bare = statistics.median(page_times), statistics.median(bare_times)
        limit = LIMIT_FACTOR * bare
        result = {
            "benchmark": "monitor",
            "database": connection.vendor,
            "pupils": pupils,
            "schools": schools,
            "page_seconds_median": round(page, 4),
            "bare_sql_seconds_median": round(bare, 4),
            "limit_seconds": round(limit, 4),
            "ratio_to_bare": round(page / bare, 2),
            "queries": queries,
            "html_bytes": len(response.content),
            "within_limit": page <= limit,
        }
        if os.environ.get("BENCH_DETAIL"):  # where the time goes: the slowest queries of the last request
            result["slowest_queries"] = [(q["time"], q["sql"][:80]) for q in slowest]
        return result

    return in_rolled_back_transaction(work)
