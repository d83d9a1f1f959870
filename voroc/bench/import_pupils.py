"""``manage.py bench import_pupils``: a school's administration export of 2,000 rows (800 new, 1,000 unchanged,
150 changed, 50 refused) read, previewed and imported, beside a bare ``bulk_create`` of the same 2,000 rows as
pupils in the same run (the limit: the aim is within 5× of it). Once on a database with only the school's own
1,150 pupils, once with 30,000 pupils of other schools beside them. Queries are counted: they do not grow per row.
Generated data, rolled back afterwards."""

from __future__ import annotations

import random
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import create_pupils, in_rolled_back_transaction, vo_school

AIM = 5.0
HEADINGS = ["Stamnr.", "Roepnaam", "Tussenv.", "Achternaam", "Geb.datum", "M/V", "BSN", "Klas", "Straat", "Huisnr.",
            "Toev.", "Postcode", "Woonplaats", "E-mail", "Mobiel"]  # fmt: skip


def _line(number: str, pupil, bsn: str, klas: str) -> list[str]:
    return [number, pupil.voornaam, pupil.tussenvoegsel, pupil.achternaam, pupil.geboortedatum.strftime("%d-%m-%Y"),
            pupil.geslacht.upper(), bsn, klas, pupil.straat, str(pupil.huisnummer), pupil.toevoeging, pupil.postcode,
            pupil.woonplaats, pupil.email, pupil.telefoon]  # fmt: skip


def _file(rng: random.Random, school, groups, year: int) -> bytes:
    """The school's 1,150 pupils in VOROC get leerlingnummers; the file holds 1,000 of them as they are, 150 moved
    house, 800 new ones, and 50 lines with a bad postcode, birth date or BSN."""
    from students import bsn as bsn_crypto
    from students.demo_data import generate_bsns, generate_pupils
    from students.models import Pupil

    existing = list(Pupil.objects.filter(school=school).select_related("group").order_by("pk"))
    for n, pupil in enumerate(existing):
        pupil.leerlingnummer = str(100_000 + n)
    Pupil.objects.bulk_update(existing, ["leerlingnummer"])
    taken = {bsn_crypto.decrypt(p.bsn_encrypted) for p in existing}
    new_bsns = generate_bsns(rng, 850, exclude=taken)
    new_people = generate_pupils(rng, 850, postcode_areas=["2511", "2512"], woonplaats="Den Haag", school_year=year)
    lines = []
    for n, pupil in enumerate(existing):
        bsn = bsn_crypto.decrypt(pupil.bsn_encrypted)
        if n >= 1000:  # moved house
            pupil.straat, pupil.huisnummer = "Nieuwe Laan", pupil.huisnummer + 1
        lines.append(_line(pupil.leerlingnummer, pupil, bsn, pupil.group.name if pupil.group else ""))
    for n, (person, bsn) in enumerate(zip(new_people, new_bsns, strict=True)):
        line = _line(str(200_000 + n), person, bsn, groups[n % len(groups)].name)
        if n >= 800:  # refused: a postcode without letters, a date that is no date, a BSN that fails the elfproef
            kind = n % 3
            line[11 if kind == 0 else 4 if kind == 1 else 6] = (
                "2512" if kind == 0 else "31-02-2009" if kind == 1 else "123456789"
            )
        lines.append(line)
    rng.shuffle(lines)
    text = "\r\n".join(";".join(cells) for cells in [HEADINGS, *lines]) + "\r\n"
    return b"\xef\xbb\xbf" + text.encode()  # UTF-8 with BOM: the generated names go beyond cp1252


def _bare_bulk_create(table, year: int) -> float:
    """The limit: the file's 2,000 rows written as pupils of a fresh school with one bulk_create, each BSN sealed
    and indexed as stored (a BSN that is no BSN gets a leerlingcode), without any check."""
    import datetime

    from accounts.models import Organisation, OrganisationKind
    from students import bsn as bsn_crypto
    from students.models import Pupil

    school = Organisation.objects.create(kind=OrganisationKind.VO_SCHOOL, code="98ZZ", name="Bench-kopie")
    start = time.perf_counter()
    rows = []
    for n, (_line, cells) in enumerate(table.rows):
        pupil = Pupil(school=school, school_year=year, voornaam=cells[1], tussenvoegsel=cells[2], achternaam=cells[3],
                      geboortedatum=datetime.date(2009, 3, 14), geslacht="v", email=cells[13], telefoon=cells[14],
                      straat=cells[8], huisnummer=int(cells[9]), toevoeging=cells[10], postcode=cells[11],
                      woonplaats=cells[12], leerlingnummer=f"B{n}")  # fmt: skip
        if bsn_crypto.passes_elfproef(cells[6]):
            pupil.set_bsn(cells[6])
        else:
            pupil.no_bsn_code = f"GB{n:07d}"
        pupil.refresh_search_name()
        rows.append(pupil)
    Pupil.objects.bulk_create(rows)
    return time.perf_counter() - start


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE students_pupil, groups_group, audit_auditentry, audit_pupilkey")


def _measure(others: int) -> dict:
    from accounts.models import Organisation, OrganisationKind
    from students.imports.apply import apply_plan
    from students.imports.mapping import guess
    from students.imports.plan import Kind, make_plan
    from students.imports.readers import read_table
    from students.schoolyear import current_school_year

    result: dict = {}

    def work() -> dict:
        rng = random.Random(2000)
        year = current_school_year()
        school, user, groups = vo_school("99ZZ", groups=8)
        create_pupils(rng, 1150, schools=[school], year=year, groups=groups)
        if others:
            elsewhere = [Organisation.objects.create(kind=OrganisationKind.VO_SCHOOL, code=f"9{n}YY", name="Elders") for n in range(10)]  # fmt: skip
            create_pupils(random.Random(7), others, schools=elsewhere, year=year)
        data = _file(rng, school, groups, year)
        _analyze()

        start = time.perf_counter()
        with CaptureQueriesContext(connection) as preview_queries:
            table = read_table("leerlingen.csv", data)
            mapping = guess(table.headings)
            plan = make_plan(school=school, table=table, mapping=mapping)
        preview = time.perf_counter() - start
        counts = plan.counts()

        start = time.perf_counter()
        with CaptureQueriesContext(connection) as import_queries:
            plan = make_plan(school=school, table=read_table("leerlingen.csv", data), mapping=mapping)
            outcome = apply_plan(plan, user=user)
        imported = time.perf_counter() - start
        _analyze()

        start = time.perf_counter()
        again = make_plan(school=school, table=read_table("leerlingen.csv", data), mapping=mapping)
        reimport = time.perf_counter() - start

        bare = _bare_bulk_create(table, year)
        result.update(
            rows=len(table.rows),
            counts={k: counts[k] for k in ("new", "unchanged", "changed", "refused")},
            imported_lines=len(outcome.imported),
            reimport_changes=len(again.of(Kind.NEW)) + len(again.of(Kind.CHANGED)),
            preview_seconds=round(preview, 3),
            import_seconds=round(imported, 3),
            reimport_preview_seconds=round(reimport, 3),
            bulk_create_seconds=round(bare, 3),
            preview_ratio=round(preview / bare, 2),
            import_ratio=round(imported / bare, 2),
            preview_queries=len(preview_queries),
            import_queries=len(import_queries),
        )
        return result

    return in_rolled_back_transaction(work)


def import_pupils() -> dict:
    empty = _measure(others=0)
    populated = _measure(others=30_000)
    return {
        "benchmark": "import_pupils",
        "database": connection.vendor,
        "aim_ratio": AIM,
        "empty": empty,
        "populated": populated,
        "within_aim": all(r["import_ratio"] <= AIM and r["preview_ratio"] <= AIM for r in (empty, populated)),
    }
