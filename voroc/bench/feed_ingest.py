"""``manage.py bench feed_ingest``: 100,000 rows for 50,000 pupils, ingested three times, beside PostgreSQL COPY.

The same bytes go four ways in one run: COPY into a bare table (the limit: what loading the rows costs at
the least), a first ingest (a school's first feed: every aanmelding new), a second ingest of the same
file (a normal day: nothing changes), and the same file as the first feed of a second mbo-school, on the
database the first school's feeds have filled (some 54,000 aanmeldingen and 98,000 history lines): a plan
that is fine on an empty database can grow with the tables, so the populated ingest is compared with the
first (POPULATED_AIM). Each ingest is the whole path: store the batch sealed, parse and
check every row, apply it in chunks. All of it runs inside one transaction that is rolled back afterwards,
so the chunks' own transactions are savepoints here (the commit per chunk is not in the figures). Before
each ingest the tables are analysed, as autovacuum keeps them on a live database (not timed).

On SQLite there is no COPY: the stand-in limit is one executemany INSERT of the same rows into a bare
table, and the JSON says so. The aims (first run within 10x the limit, the repeat within 5x) are about
PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import random
import time

from django.db import connection

from . import create_pupils, in_rolled_back_transaction

FIRST_AIM, REPEAT_AIM = 10, 5
# A school's first feed on a populated database may cost at most this many times the same feed on an empty one.
POPULATED_AIM = 2
# The generated file's columns, in the contract's order (the rows below are written in this order).
COLUMNS = (
    "aanmelding_id",
    "bsn",
    "crebo",
    "opleiding",
    "niveau",
    "leerweg",
    "locatie",
    "cohort",
    "status",
    "status_datum",
)


# The opleidingen the generated rows name: in both bench schools' catalogue (a feed never creates one).
CATALOGUE = [(f"25{n:03d}", "BOL" if n % 3 else "BBL", 2 + n % 3) for n in range(40)]


def feed_ingest(rows: int = 100_000, pupils: int = 50_000) -> dict:
    return in_rolled_back_transaction(lambda: _run(rows, pupils))


def _generate(rng: random.Random, rows: int, pupils: int) -> tuple[bytes, list[str], dict]:
    """The school's feed: every pupil one or two aanmeldingen with one to three status lines, ~1.5% unknown
    pupils, ~0.5% bad rows."""
    from students.demo_data import generate_bsns

    bsns = generate_bsns(rng, pupils + max(rows // 60, 1))
    known, unknown = bsns[:pupils], bsns[pupils:]
    crebos = CATALOGUE
    flow = ["ONTVANGSTBEVESTIGING", "INTAKE", "POSITIEF_BESLUIT", "DEFINITIEF"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    written = bad = missing = 0
    aanmelding = 0
    while written < rows:
        roll = rng.random()
        if roll < 0.005:
            writer.writerow([f"F{written}", "123456789", "25001", "", "", "", "", "", "INTAKE", "2026-10-01"])
            bad += 1
            written += 1
            continue
        if roll < 0.02:
            bsn = rng.choice(unknown)
            missing += 1
        else:
            bsn = known[aanmelding % pupils] if aanmelding < pupils else rng.choice(known)
        aanmelding += 1
        crebo, leerweg, niveau = rng.choice(crebos)
        steps = rng.choice([1, 1, 2, 2, 3])
        for step in range(min(steps, rows - written)):
            writer.writerow(
                [
                    f"A{aanmelding:07d}",
                    bsn,
                    crebo,
                    f"Opleiding {crebo}",
                    niveau,
                    leerweg,
                    rng.choice(["Campus Noord", "Campus Zuid", ""]),
                    2027,
                    flow[step],
                    f"2026-{9 + step:02d}-{1 + aanmelding % 28:02d}T{8 + step:02d}:{aanmelding % 60:02d}:00+02:00",
                ]
            )
            written += 1
    return out.getvalue().encode(), known, {"bad_rows": bad, "unknown_pupil_aanmeldingen": missing}


def _copy_limit(data: bytes) -> tuple[float, str]:
    columns = ", ".join(f"{c} text" for c in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE bench_feed_copy ({columns}) ON COMMIT DROP")
            start = time.perf_counter()
            with cursor.cursor.copy("COPY bench_feed_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)") as copy:
                copy.write(data)
            return time.perf_counter() - start, "postgresql COPY into a bare table"
        cursor.execute(f"CREATE TEMP TABLE bench_feed_copy ({columns})")
        records = list(csv.reader(io.StringIO(data.decode()), delimiter=";"))[1:]
        start = time.perf_counter()
        placeholders = ", ".join(["%s"] * len(COLUMNS))  # fixed column names, no input
        cursor.executemany(f"INSERT INTO bench_feed_copy VALUES ({placeholders})", records)  # noqa: S608
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_feed_copy")
        return seconds, "sqlite executemany INSERT into a bare table (stand-in for COPY)"


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE students_pupil, students_aanmelding, students_statuschange, notifications_melding")


def _run(rows: int, pupils: int) -> dict:
    from accounts.models import Organisation, OrganisationKind
    from feedback.models import Transport
    from feedback.services import ingest, receive
    from notifications.models import Melding
    from students.models import Aanmelding, Opleiding, StatusChange
    from students.schoolyear import current_school_year

    rng = random.Random(2026)  # noqa: S311 (generated data)
    year = current_school_year()
    mbo = Organisation.objects.create(kind=OrganisationKind.MBO_SCHOOL, code="98FB", name="Bench-mbo", connected=True)
    schools = [
        Organisation.objects.create(kind=OrganisationKind.VO_SCHOOL, code=f"9{n}VB", name=f"Bench-vo {n}")
        for n in range(5)
    ]
    data, bsns, extra = _generate(rng, rows, pupils)
    create_pupils(rng, pupils, schools=schools, year=year, postcode_areas=["2511", "2512"], bsns=bsns)

    copy_seconds, limit_kind = _copy_limit(data)
    second_mbo = Organisation.objects.create(
        kind=OrganisationKind.MBO_SCHOOL, code="98FC", name="Bench-mbo 2", connected=True
    )
    Opleiding.objects.bulk_create(
        [
            Opleiding(school=school, crebo=crebo, leerweg=leerweg, niveau=niveau, name=f"Opleiding {crebo}")
            for school in (mbo, second_mbo)
            for crebo, leerweg, niveau in CATALOGUE
        ]
    )
    timings = []
    batches = []
    for school in (mbo, mbo, second_mbo):  # first, repeat, populated
        _analyze()  # what autovacuum does on a live database: statistics for the planner (not timed)
        start = time.perf_counter()
        batch = receive(school=school, data=data, transport=Transport.COMMAND, fmt="csv", enqueue=False)
        batch = ingest(batch.pk)
        timings.append(time.perf_counter() - start)
        batches.append(batch)
        if len(batches) == 2:  # the first school's meldingen, before the second school's feed adds its own
            first_school_meldingen = Melding.objects.filter(organisation__in=schools).count()
    first, repeat, populated = batches
    copy_rate = rows / copy_seconds
    first_rate, repeat_rate, populated_rate = rows / timings[0], rows / timings[1], rows / timings[2]
    return {
        "benchmark": "feed_ingest",
        "database": connection.vendor,
        "rows": rows,
        "pupils": pupils,
        "bytes": len(data),
        "chunk_rows": first.chunks_total and -(-first.rows_read // first.chunks_total),
        "limit": limit_kind,
        "copy_seconds": round(copy_seconds, 3),
        "copy_rows_per_second": round(copy_rate),
        "first_seconds": round(timings[0], 3),
        "first_rows_per_second": round(first_rate),
        "first_ratio": round(copy_rate / first_rate, 2),
        "repeat_seconds": round(timings[1], 3),
        "repeat_rows_per_second": round(repeat_rate),
        "repeat_ratio": round(copy_rate / repeat_rate, 2),
        "populated_seconds": round(timings[2], 3),
        "populated_rows_per_second": round(populated_rate),
        "populated_ratio": round(copy_rate / populated_rate, 2),
        "populated_vs_first": round(timings[2] / timings[0], 2),
        "first_within_aim": copy_rate / first_rate <= FIRST_AIM,
        "repeat_within_aim": copy_rate / repeat_rate <= REPEAT_AIM,
        "populated_within_aim": timings[2] / timings[0] <= POPULATED_AIM,
        "first": {
            "new": first.rows_new,
            "updated": first.rows_updated,
            "unchanged": first.rows_unchanged,
            "unmatched": first.rows_unmatched,
            "rejected": first.rows_rejected,
        },
        "repeat": {
            "new": repeat.rows_new,
            "updated": repeat.rows_updated,
            "unchanged": repeat.rows_unchanged,
            "unmatched": repeat.rows_unmatched,
            "rejected": repeat.rows_rejected,
        },
        "populated": {
            "new": populated.rows_new,
            "updated": populated.rows_updated,
            "unchanged": populated.rows_unchanged,
            "unmatched": populated.rows_unmatched,
            "rejected": populated.rows_rejected,
        },
        "aanmeldingen": Aanmelding.objects.filter(mbo_school=mbo).count(),
        "history_lines": StatusChange.objects.filter(aanmelding__mbo_school=mbo).count(),
        "meldingen": first_school_meldingen,
        **extra,
    }
