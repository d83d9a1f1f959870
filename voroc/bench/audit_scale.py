"""``manage.py bench audit_scale [--rows N]``: the audit log at a school year's size, on PostgreSQL.

The log records every view, list and export, so it grows with every page (``bench load`` counts the rows per
request). This benchmark fills it to ``rows`` entries (default: a school year of the Haaglanden region by the load
test's estimate) copied from the entries already in it (the mix the load test wrote; a small made-up mix in an
empty log), dated over one year long past its five-year retention, and measures:

- the cost of one insert as a page makes it (one ``bulk_create`` per response, autocommit), on the log as it was
  and at a year's size (``insert_ms``; their ratio);
- the retention purge of the older half (six months of entries: a catch-up after the purge did not run), first as
  one DELETE statement in one transaction (what ``purge_before`` did), then with ``purge_before`` as it is (batches
  by primary key, a transaction each) on the same rows written again. Meanwhile another connection inserts an
  entry every 10 ms as the pages do, and the longest transaction of the purging connection is watched in
  ``pg_stat_activity``: ``probe_max_ms`` is the longest an insert took while the purge ran, ``longest_xact_s`` the
  longest transaction it held (``longest_query``: which statement). The aim: no insert above INSERT_BOUND_MS
  during the purge, and no sample of the probe waiting for a lock (``probe_lock_waits``; ``probe_waits`` counts what
  it waited for, sampled every 20 ms);
- the retention's clean-up of pupils' keys on the remaining entries (``key_cleanup``).

Every entry it writes is marked (screen ``bench:audit_scale``) and removed at the end, whatever happens.
"""

from __future__ import annotations

import datetime
import statistics
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import OperationalError, connection, connections, models, transaction
from django.utils import timezone

MARK = "bench:audit_scale"
# A school year of the Haaglanden region: bench load's estimate (README "Benchmarks", the audit log at scale).
YEAR_ROWS = 4_500_000
INSERT_BOUND_MS = 200  # an insert held up longer than this during the purge counts as blocked
PROBE_EVERY_S = 0.01
INSERTS = 200  # single inserts timed on each table size
KEYS = 2_000  # pupils' keys older than the cutoff, for the retention's key clean-up
KEY_TIMEOUT_S = 60
COLUMNS = (
    "action, actor_id, actor_name, actor_role, actor_organisation_id, ip, pupil_id, school_id, subjects, count, "
    "summary, fields, detail"
)
# The mix of an empty log (a run without the load test first): a view, a list of one school, a login.
MADE_UP = """
INSERT INTO bench_audit_mix (action, actor_name, actor_role, pupil_id, subjects, count, summary, fields, detail)
VALUES ('view', 'Bench Decaan', 'decaan', 101, '', NULL, '', '', ''),
       ('list', 'Bench Decaan', 'decaan', NULL, ' 101 102 103 104 105 106 107 ', 7, 'overzicht, alle groepen', '', ''),
       ('login', 'Bench Decaan', 'decaan', NULL, '', NULL, '', '', '')
"""


def audit_scale(rows: int = YEAR_ROWS) -> dict:
    if settings.PRODUCTION:
        raise CommandError("bench audit_scale writes millions of entries into the audit log; not in production.")
    if connection.vendor != "postgresql":
        raise CommandError("bench audit_scale measures PostgreSQL's locks and sizes: set DATABASE_URL (postgres://…).")
    if rows < 100:
        raise CommandError("--rows must be 100 or more.")
    start_of_year = timezone.now() - datetime.timedelta(days=8 * 365)  # far past the five-year retention
    cutoff = start_of_year + datetime.timedelta(days=365 / 2)
    try:
        _vacuum(full=True)
        insert_before = _time_inserts()
        rows_before, size_before = _count(), _size()
        seed_s = _seed(rows, start_of_year, 0, rows)
        _vacuum()
        size = _size()
        insert_year = _time_inserts()
        expired = _count(at_before=cutoff)
        one = _watched(lambda: _delete_in_one_statement(cutoff))
        _seed(rows, start_of_year, 0, rows // 2)  # the same older half again
        _vacuum()
        batched = _watched(lambda: _purge(cutoff))
        keys = _time_key_cleanup(start_of_year, cutoff)
        return {
            "name": "audit_scale",
            "database": connection.vendor,
            "rows": rows,
            "rows_before": rows_before,
            "seed_s": round(seed_s, 1),
            "table_bytes": size,
            "table_bytes_before": size_before,
            "bytes_per_row": round((size - size_before) / rows),
            "insert_ms": {"before": insert_before, "year": insert_year},
            "insert_ratio": round(insert_year["median"] / insert_before["median"], 2)
            if insert_before["median"]
            else None,
            "purged": expired,
            "purge_one_statement": one,
            "purge_batched": batched,
            "purge_ratio": round(batched["seconds"] / one["seconds"], 2) if one["seconds"] else None,
            "key_cleanup": keys,
            "insert_bound_ms": INSERT_BOUND_MS,
            "within_bound": batched["probe_max_ms"] <= INSERT_BOUND_MS,
        }
    finally:
        _clean_up()


def _vacuum(*, full: bool = False) -> None:
    """Vacuum and analyse the log, as autovacuum would; ``full`` also gives the space of removed entries back (an
    earlier run's), so that the size measured is the size of these rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ({'FULL, ' if full else ''}ANALYZE) audit_auditentry")


def _count(at_before: datetime.datetime | None = None) -> int:
    from audit.models import AuditEntry

    entries = AuditEntry.objects.exclude(screen=MARK)
    if at_before is not None:
        entries = AuditEntry.objects.filter(screen=MARK, at__lt=at_before)
    return entries.count()


def _size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('audit_auditentry')")
        return int(cursor.fetchone()[0])


def _seed(rows: int, start: datetime.datetime, first: int, last: int) -> float:
    """Entries ``first``..``last`` - 1 of ``rows`` spread evenly over the year from ``start``, copied in turn from
    the last 5,000 entries of the log (the load test's mix), written with one INSERT … SELECT. The foreign keys
    (organisations) are not checked row by row where the database user may skip it (a superuser): the copied
    values are valid ones."""
    begin = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_audit_mix ON COMMIT DROP AS SELECT {COLUMNS} FROM audit_auditentry "  # noqa: S608 - fixed columns
            "WHERE screen <> %s ORDER BY id DESC LIMIT 5000",
            [MARK],
        )
        cursor.execute("SELECT count(*) FROM bench_audit_mix")
        if cursor.fetchone()[0] == 0:
            cursor.execute(MADE_UP)
        cursor.execute("ALTER TABLE bench_audit_mix ADD COLUMN n serial")
        cursor.execute("SELECT count(*) FROM bench_audit_mix")
        (mix,) = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO audit_auditentry (at, screen, {COLUMNS}) "  # noqa: S608 - fixed columns
            f"SELECT %s + g * (interval '365 days' / %s), %s, {COLUMNS} "
            "FROM generate_series(%s, %s) g JOIN bench_audit_mix m ON m.n = 1 + g %% %s",
            [start, rows, MARK, first, last - 1, mix],
        )
    return time.perf_counter() - begin


def _time_inserts() -> dict:
    """One entry per insert, as a page writes what it showed (bulk_create, autocommit): median and p99 in ms."""
    from audit.models import Action, AuditEntry

    times = []
    for n in range(INSERTS):
        entry = AuditEntry(action=Action.VIEW, screen=MARK, pupil_id=n, actor_name="Bench", summary="insert")
        start = time.perf_counter()
        AuditEntry.objects.bulk_create([entry])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median": round(statistics.median(times), 3), "p99": round(times[int(len(times) * 0.99) - 1], 3)}


def _delete_in_one_statement(cutoff: datetime.datetime) -> int:
    """What purge_before did before it worked in batches: one DELETE in one transaction."""
    from audit.models import AuditEntry

    with transaction.atomic():
        return models.QuerySet.delete(AuditEntry.objects.filter(at__lt=cutoff))[0]


def _purge(cutoff: datetime.datetime) -> int:
    from audit.models import AuditEntry

    return AuditEntry.objects.purge_before(cutoff)


class _Probe(threading.Thread):
    """Another connection inserting an entry every PROBE_EVERY_S, as the pages do, timing each insert."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.times: list[float] = []
        self.pid = 0
        self.ready = threading.Event()

    def run(self) -> None:
        from audit.models import Action, AuditEntry

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.ready.set()
            while not self.stop.is_set():
                entry = AuditEntry(action=Action.VIEW, screen=MARK, actor_name="Bench probe", summary="probe")
                start = time.perf_counter()
                AuditEntry.objects.bulk_create([entry])
                self.times.append((time.perf_counter() - start) * 1000)
                time.sleep(PROBE_EVERY_S)
        finally:
            connections.close_all()


class _Watch(threading.Thread):
    """From pg_stat_activity every 20 ms: the longest transaction of the purging backend, and what the probe's
    backend was waiting for when it waited (``Lock:…`` would be the purge blocking it; ``IO:…``/``LWLock:…`` is
    the disk and the WAL the two share)."""

    def __init__(self, pid: int, probe: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.probe = probe
        self.stop = threading.Event()
        self.longest = 0.0
        self.query = ""
        self.waits: dict[str, int] = {}

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(
                        "SELECT pid, extract(epoch FROM clock_timestamp() - xact_start), left(query, 60), "
                        "wait_event_type || ':' || wait_event FROM pg_stat_activity "
                        "WHERE pid IN (%s, %s) AND state <> 'idle'",
                        [self.pid, self.probe],
                    )
                    for pid, age, query, wait in cursor.fetchall():
                        if pid == self.pid and age is not None and float(age) > self.longest:
                            self.longest, self.query = float(age), query
                        elif pid == self.probe and wait and not wait.startswith("Client"):
                            self.waits[wait] = self.waits.get(wait, 0) + 1
                    time.sleep(0.02)
        finally:
            connections.close_all()


def _watched(purge: Any) -> dict:
    """Run ``purge`` while the probe inserts and the watch looks at the purging connection's transactions."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    probe = _Probe()
    probe.start()
    probe.ready.wait(10)
    watch = _Watch(pid, probe.pid)
    watch.start()
    time.sleep(0.2)  # the probe's first inserts: its connection is open before the purge starts
    start = time.perf_counter()
    try:
        removed = purge()
    finally:
        seconds = time.perf_counter() - start
        probe.stop.set()
        watch.stop.set()
        probe.join()
        watch.join()
    times = sorted(probe.times) or [0.0]
    return {
        "removed": removed,
        "seconds": round(seconds, 2),
        "longest_xact_s": round(watch.longest, 2),
        "longest_query": watch.query,
        "probe_waits": watch.waits,
        "probe_lock_waits": sum(n for wait, n in watch.waits.items() if wait.startswith("Lock:")),
        "probe_inserts": len(probe.times),
        "probe_median_ms": round(statistics.median(times), 2),
        "probe_p99_ms": round(times[max(int(len(times) * 0.99) - 1, 0)], 1),
        "probe_max_ms": round(times[-1], 1),
    }


def _time_key_cleanup(start: datetime.datetime, cutoff: datetime.datetime) -> dict:
    """The retention's second step (audit/retention.py): pupils' keys older than the cutoff whose pupil has no entry
    left go. Timed on the year's remaining entries as a count of what it would remove, written as NOT IN (what it
    was) and as NOT EXISTS (what it is), on KEYS keys made for the measurement (half of them still used), rolled
    back. NOT IN is stopped after KEY_TIMEOUT_S: PostgreSQL cannot hash a subquery of millions of rows in work_mem
    and scans it once per key."""
    from django.db.models import Exists, OuterRef

    from audit.models import AuditEntry, PupilKey

    result: dict[str, Any] = {"keys": KEYS}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_pupilkey (pupil_id, sealed_key, created_at) "
                "SELECT pupil_id, 'bench', %s FROM (SELECT DISTINCT pupil_id FROM audit_auditentry "
                "WHERE screen = %s AND pupil_id IS NOT NULL LIMIT %s) used "
                "UNION ALL SELECT 1000000000000 + g, 'bench', %s FROM generate_series(1, %s) g "
                "ON CONFLICT (pupil_id) DO NOTHING",
                [start, MARK, KEYS // 2, start, KEYS // 2],
            )
        old = PupilKey.objects.filter(created_at__lt=cutoff)
        ways = {
            "not_in": old.exclude(pupil_id__in=AuditEntry.objects.filter(pupil_id__isnull=False).values("pupil_id")),
            "not_exists": old.exclude(Exists(AuditEntry.objects.filter(pupil_id=OuterRef("pupil_id")))),
        }
        for name, keys in ways.items():
            begin = time.perf_counter()
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {KEY_TIMEOUT_S * 1000}")
                    result[f"{name}_removes"] = keys.count()
                result[f"{name}_s"] = round(time.perf_counter() - begin, 2)
            except OperationalError:  # stopped by the timeout
                result[f"{name}_s"] = f">{KEY_TIMEOUT_S}"
        transaction.set_rollback(True)
    return result


def _clean_up() -> None:
    """Remove every entry this benchmark wrote (batches of ids, as the purge does) and give the space back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM audit_auditentry WHERE screen = %s", [MARK])
        first, last = cursor.fetchone()
        if first is not None:
            for start in range(first, last + 1, 100_000):
                cursor.execute(
                    "DELETE FROM audit_auditentry WHERE screen = %s AND id >= %s AND id < %s",
                    [MARK, start, start + 100_000],
                )
    _vacuum(full=True)
