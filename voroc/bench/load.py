"""``manage.py bench load``: the whole site under load, as production runs it.

gunicorn as the Dockerfile starts it (``voroc.wsgi:application``, 3 sync workers) on a free loopback port, on the
PostgreSQL database and Redis of this environment (DATABASE_URL, REDIS_URL, CACHE_URL), on a generated region
(``generate_load``; with ``reuse`` the region already in the database); then locust, headless on loopback, with
``users`` users of a realistic mix of roles and schools (voroc/bench/locustfile.py) for ``seconds`` seconds.

Prints requests/s, p50/p95/p99 per endpoint, the errors, the CPU used by gunicorn, PostgreSQL and locust, and the
audit log's rows written per request and per user-minute with the table's bytes per row and an estimate for a
region's school year. The aim (issue 20): p95 under 500 ms at 50 users with no errors; missing it is a figure, not
a failure. gunicorn and locust are stopped whatever happens (also on Ctrl-C).

The run writes to the database as users do (logins, saved forms, audit entries, sessions): never in production.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from .pages import TABLES as PAGE_TABLES

AIM_P95_MS = 500
ROLES = ("decaan", "mentor", "zorgcoordinator", "roc", "gemeente")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
GENERATED_EMAIL = "@load.voroc.nl"  # what generate_load gives its users (voroc/bench/region.py)
# The year estimate's assumptions (stated in the JSON line): every user of the region active on every school day,
# with this many requests a day on average over the year (the decaan and the mbo's intake most, a mentor least);
# each role's audit rows per request are measured in the run.
SCHOOL_DAYS = 190
REQUESTS_PER_USER_DAY = {"decaan": 40, "zorgcoordinator": 15, "mentor": 10, "roc": 60, "gemeente": 20}
# Tables the pages read and write: vacuumed and analysed first, as autovacuum keeps them on a live database.
TABLES = (*PAGE_TABLES, "doorstroom_formdraft", "audit_auditentry", "accounts_user", "django_session")


def load(
    *,
    users: int = 50,
    seconds: int = 60,
    spawn_rate: float = 5.0,
    reuse: bool = False,
    region: str = "haaglanden",
    pupils: int | None = None,
    port: int = 0,
    table: bool = True,
) -> dict:
    _refuse_unless_ready(reuse)
    generated_s = None if reuse else _generate(region, pupils)
    _vacuum()
    plan = _plan(users)
    with tempfile.TemporaryDirectory(prefix="voroc-load-") as folder:
        work = Path(folder)
        (work / "plan.json").write_text(json.dumps(plan))
        before = _audit_mark()
        run = _run(work, users=users, seconds=seconds, spawn_rate=spawn_rate, port=port)
    stats = run.pop("stats")
    result: dict[str, Any] = {
        "name": "load",
        "database": connection.vendor,
        "users": users,
        "seconds": seconds,
        "spawn_rate": spawn_rate,
        "generated_s": generated_s,
        **stats,
        "aim_p95_ms": AIM_P95_MS,
        "ratio": round(stats["p95_ms"] / AIM_P95_MS, 2) if stats["p95_ms"] else None,
        "within_aim": bool(stats["requests"]) and stats["p95_ms"] <= AIM_P95_MS and stats["errors"] == 0,
        **run,
        "audit": _audit_growth(before, requests=run.pop("requests_by_role"), users=users, seconds=seconds),
    }
    if table:
        print(_table(result), file=sys.stderr)
    return result


# --- before the run -----------------------------------------------------------------------------------------------


def _refuse_unless_ready(reuse: bool) -> None:
    from accounts.models import User
    from students.models import Pupil

    if settings.PRODUCTION:
        raise CommandError("bench load writes to the database as its users do; it does not run in production.")
    if connection.vendor != "postgresql":
        raise CommandError(
            "bench load runs on PostgreSQL with Redis, as production does: set DATABASE_URL (postgres://…), "
            "REDIS_URL and CACHE_URL. It does not run on SQLite."
        )
    if not settings.REDIS_URL or not settings.CACHE_URL:
        raise CommandError("bench load needs Redis, as production: set REDIS_URL and CACHE_URL.")
    generated = User.objects.filter(email__endswith=GENERATED_EMAIL, is_active=True).exists()
    if reuse and not generated:
        raise CommandError("--reuse: this database holds no generated region; run without --reuse to generate one.")
    if not reuse and Pupil.objects.exists():
        raise CommandError(
            "This database holds pupils already: add --reuse to load-test the generated region in it as it is, "
            "or point DATABASE_URL at an empty (migrated) database to generate one."
        )


def _generate(region: str, pupils: int | None) -> float:
    from .region import generate

    start = time.perf_counter()
    generate(region, pupils=pupils)
    return round(time.perf_counter() - start, 1)


def _vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")  # fixed table names, no input


def _plan(users: int) -> dict:
    """The accounts the simulated users log in with: per role, spread over the schools (a fixed shuffle)."""
    from accounts.demo import demo_password
    from accounts.models import User

    rng = random.Random(20)  # noqa: S311 - which accounts, not a secret
    accounts: dict[str, list[str]] = {}
    for role in ROLES:
        names = list(
            User.objects.filter(role=role, email__endswith=GENERATED_EMAIL, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
        rng.shuffle(names)
        accounts[role] = names[: max(users, 1)]
    missing = [role for role, names in accounts.items() if not names]
    if missing:
        raise CommandError(f"The generated region has no users for: {', '.join(missing)}.")
    return {"password": demo_password(), "accounts": accounts}


def database_url() -> str:
    """The database this process uses, for the server: the same one, also under a test runner's test database."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def free_port(wanted: int = 0) -> int:
    """``wanted`` if it is free on loopback (0: one the system picks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: past connections may wait
        try:
            probe.bind(("127.0.0.1", wanted))
        except OSError as exc:
            raise CommandError(f"Port {wanted} on 127.0.0.1 is in use: choose another with --port.") from exc
        return probe.getsockname()[1]


# --- the run --------------------------------------------------------------------------------------------------------


def _run(work: Path, *, users: int, seconds: int, spawn_rate: float, port: int) -> dict:
    """gunicorn and locust, each in a session of its own, both stopped in the end whatever happens."""
    port = free_port(port)
    host = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server_log, swarm_log = (work / "gunicorn.log").open("w"), (work / "locust.log").open("w")
    server: subprocess.Popen | None = None
    swarm: subprocess.Popen | None = None
    stopping = _stop_on_signals()
    try:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "voroc.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "3", "--timeout", "120"],
            cwd=settings.BASE_DIR, env=environment, stdout=server_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        _wait_until_up(server, host, work / "gunicorn.log")
        since = _database_now()
        machine, server_cpu, db_cpu = _machine_cpu(), CpuOf(group=server.pid), CpuOf()
        db_cpu.add(*_backends(since))
        start = time.monotonic()
        swarm = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
             "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
             "--csv", str(work / "run"), "--json-file", str(work / "run"), "--only-summary", "--loglevel", "WARNING"],
            cwd=work, env={**os.environ, "VOROC_LOAD_PLAN": str(work / "plan.json"),
                           "VOROC_LOAD_COUNTS": str(work / "counts.json")},
            stdout=subprocess.DEVNULL, stderr=swarm_log, start_new_session=True,
        )  # fmt: skip
        swarm_cpu = CpuOf(group=swarm.pid)
        swarm_cpu.sample()
        while swarm.poll() is None:  # sample the CPU now and then: a process that ends takes its count with it
            for meter in (server_cpu, db_cpu, swarm_cpu):
                meter.sample()
            db_cpu.add(*_backends(since))
            time.sleep(0.5)
        wall = time.monotonic() - start
        if swarm.returncode not in (0, 1) or not (work / "run.json").exists():  # 1: some requests failed
            raise RuntimeError(f"locust stopped with {swarm.returncode}: {_tail(work / 'locust.log')}")
        cores = os.cpu_count() or 1
        stats = read_stats(work)
        counts = json.loads((work / "counts.json").read_text()) if (work / "counts.json").exists() else {}
        return {
            "stats": stats,
            "requests_by_role": counts,
            "port": port,
            "cpu": {
                "cores": cores,
                "machine_busy": round(_machine_cpu().busy_since(machine), 2),  # the whole machine, others included
                "gunicorn_cores": round(server_cpu.seconds() / wall, 2),
                "postgres_cores": round(db_cpu.seconds() / wall, 2),
                "locust_cores": round(swarm_cpu.seconds() / wall, 2),
                # What a request costs the server, whatever else the machine runs: its capacity is cores / this.
                "gunicorn_ms_per_request": round(1000 * server_cpu.seconds() / max(stats["requests"], 1), 1),
            },
            "server_errors": _tail(work / "gunicorn.log", lines=5) if server.poll() is not None else "",
        }
    finally:
        for process in (swarm, server):
            if process is not None:
                stop(process)
        server_log.close()
        swarm_log.close()
        for number, handler in stopping.items():
            signal.signal(number, handler)


def _interrupted(number: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(number).name)


def _stop_on_signals() -> dict:
    """Ctrl-C (SIGINT, also where a shell started this in the background with it ignored) and SIGTERM interrupt the
    run, so that its finally stops the server and the swarm; the previous handlers, to put back."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, _interrupted) for number in (signal.SIGINT, signal.SIGTERM)}


def _wait_until_up(server: subprocess.Popen, host: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start ({server.returncode}): {_tail(log)}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"{host}/inloggen/", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s: {_tail(log)}")


def stop(process: subprocess.Popen, grace: float = 10) -> None:
    """Stop a process started in a session of its own, and its children: TERM (gunicorn then stops its workers
    gracefully), KILL after ``grace`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # a child left behind by a leader that has gone
        os.killpg(process.pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# --- CPU, from /proc ----------------------------------------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds) of a process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuOf:
    """The CPU seconds a set of processes used while sampled: those of a process group (gunicorn and its workers,
    locust), or those added (PostgreSQL's backends). Each process's first sample is its baseline."""

    def __init__(self, *, group: int | None = None) -> None:
        self.group = group
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sample()

    def add(self, pids: list[int], new: list[int] | None = None) -> None:
        """Count these processes too; those in ``new`` started after the measurement began (from zero)."""
        for pid in pids:
            stat = _proc_stat(pid)
            if stat is not None:
                self.first.setdefault(pid, 0.0 if new and pid in new else stat[1])
                self.last[pid] = stat[1]

    def sample(self) -> None:
        pids = list(self.last)
        if self.group is not None:
            pids += [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
        for pid in set(pids):
            stat = _proc_stat(pid)
            if stat is None or (self.group is not None and pid not in self.first and stat[0] != self.group):
                continue
            self.first.setdefault(pid, stat[1])
            self.last[pid] = stat[1]

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _database_now() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def _backends(since: Any) -> tuple[list[int], list[int]]:
    """PostgreSQL's backends serving this database (the server's workers; this connection left out), and those of
    them that started after ``since``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start >= %s FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()",
            [since],
        )
        rows = cursor.fetchall()
    return [pid for pid, _new in rows], [pid for pid, new in rows if new]


class _Machine:
    def __init__(self, busy: int, total: int) -> None:
        self.busy, self.total = busy, total

    def busy_since(self, earlier: _Machine) -> float:
        """The share of all cores busy since ``earlier`` (0 to 1)."""
        total = self.total - earlier.total
        return (self.busy - earlier.busy) / total if total else 0.0


def _machine_cpu() -> _Machine:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return _Machine(0, 0)
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return _Machine(sum(values[:8]) - idle, sum(values[:8]))


# --- the figures --------------------------------------------------------------------------------------------------


def _percentile(times: dict[str, int], share: float) -> float | None:
    """The response time below which ``share`` of the requests fall, from locust's histogram (ms → count)."""
    total = sum(times.values())
    seen = 0
    for ms in sorted(times, key=float):
        seen += times[ms]
        if seen >= total * share:
            return float(ms)
    return None


def _figures(entries: list[dict]) -> dict:
    times: dict[str, int] = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            times[ms] = times.get(ms, 0) + count
    requests = sum(e["num_requests"] for e in entries)
    first = min((e["start_time"] for e in entries), default=0)
    last = max((e["last_request_timestamp"] or 0 for e in entries), default=0)
    return {
        "requests": requests,
        "failures": sum(e["num_failures"] for e in entries),
        "p50_ms": _percentile(times, 0.50),
        "p95_ms": _percentile(times, 0.95),
        "p99_ms": _percentile(times, 0.99),
        "avg_ms": round(sum(e["total_response_time"] for e in entries) / requests, 1) if requests else None,
        "span_s": max(last - first, 0),
    }


def read_stats(work: Path) -> dict:
    """Locust's summary, written when it stops (run.json: every request; the CSV files lag up to a second): per
    endpoint and in all, requests, failures, requests/s over the whole run, p50/p95/p99 in ms (locust keeps response
    times above 100 ms to two significant digits); the failures by kind (run_failures.csv)."""
    entries = json.loads((work / "run.json").read_text())
    total = _figures(entries)
    span = total.pop("span_s") or 1
    endpoints = {}
    for entry in entries:
        figures = _figures([entry])
        figures.pop("span_s")
        endpoints[f"{entry['method']} {entry['name']}"] = {**figures, "rps": round(figures["requests"] / span, 2)}
    failures = []
    with contextlib.suppress(OSError), (work / "run_failures.csv").open() as rows:
        failures = [
            {"endpoint": f"{r['Method']} {r['Name']}", "error": r["Error"][:200], "count": int(r["Occurrences"])}
            for r in csv.DictReader(rows)
        ]
    # The slowest by p95 among the endpoints with 20 requests or more (a p95 of two requests says little).
    sampled = [name for name, e in endpoints.items() if e["requests"] >= 20] or list(endpoints)
    slowest = max(sampled, key=lambda name: endpoints[name]["p95_ms"] or 0) if sampled else None
    return {
        "requests": total["requests"],
        "errors": total["failures"],
        "rps": round(total["requests"] / span, 2),
        "p50_ms": total["p50_ms"] or 0,
        "p95_ms": total["p95_ms"] or 0,
        "p99_ms": total["p99_ms"] or 0,
        "slowest": slowest,
        "endpoints": endpoints,
        "failures": failures[:10],
    }


def _audit_mark() -> int:
    from django.db.models import Max

    from audit.models import AuditEntry

    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def _audit_growth(before: int, *, requests: dict[str, int], users: int, seconds: int) -> dict:
    """The audit rows the run wrote (per request, per user-minute; by action and per role), the table's bytes per row
    (pg_total_relation_size: rows, indexes and TOAST, over all its rows) and a school year of the region: per role,
    the region's users × SCHOOL_DAYS × REQUESTS_PER_USER_DAY × that role's rows per request."""
    from django.db.models import Count

    from accounts.models import User
    from audit.models import AuditEntry

    written = AuditEntry.objects.filter(pk__gt=before).order_by()
    by_action = dict(written.values_list("action").annotate(n=Count("pk")))
    by_role = dict(written.values_list("actor_role").annotate(n=Count("pk")))
    rows = sum(by_action.values())
    total_requests = sum(requests.values())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) audit_auditentry")
        cursor.execute("SELECT pg_total_relation_size('audit_auditentry'), count(*) FROM audit_auditentry")
        size, table_rows = cursor.fetchone()
        cursor.execute("SELECT avg(pg_column_size(a.*)) FROM audit_auditentry a WHERE id > %s", [before])
        (tuple_bytes,) = cursor.fetchone()
    per_request = rows / total_requests if total_requests else 0.0
    bytes_per_row = size / table_rows if table_rows else 0.0
    region = dict(
        User.objects.filter(email__endswith=GENERATED_EMAIL, is_active=True)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    roles = {}
    for role, per_day in REQUESTS_PER_USER_DAY.items():
        # A role the run did not reach (a tiny run) counts at the run's average.
        measured = by_role.get(role, 0) / requests[role] if requests.get(role) else per_request
        roles[role] = {
            "requests": requests.get(role, 0),
            "rows": by_role.get(role, 0),
            "per_request": round(measured, 2),
            "region_users": region.get(role, 0),
            "requests_per_user_day": per_day,
            "year_rows": round(region.get(role, 0) * SCHOOL_DAYS * per_day * measured),
        }
    year_rows = sum(r["year_rows"] for r in roles.values())
    return {
        "rows": rows,
        "by_action": by_action,
        "per_request": round(per_request, 3),
        "per_user_minute": round(rows / (users * seconds / 60), 2) if seconds else None,
        "table_rows": table_rows,
        "table_bytes": size,
        "bytes_per_row": round(bytes_per_row),
        "run_tuple_bytes": round(float(tuple_bytes or 0)),
        "year": {
            "school_days": SCHOOL_DAYS,
            "roles": roles,
            "requests": sum(r["region_users"] * SCHOOL_DAYS * r["requests_per_user_day"] for r in roles.values()),
            "rows": year_rows,
            "gb": round(year_rows * bytes_per_row / 1e9, 2),
        },
    }


def _table(result: dict) -> str:
    """The readable summary (stderr)."""

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    lines = [f"{'endpoint':<40} {'requests':>8} {'fail':>5} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"]
    for name, e in sorted(result["endpoints"].items(), key=lambda item: -(item[1]["p95_ms"] or 0)):
        lines.append(
            f"{name[:40]:<40} {e['requests']:>8} {e['failures']:>5} {e['rps']:>6.2f} "
            f"{ms(e['p50_ms']):>6} {ms(e['p95_ms']):>6} {ms(e['p99_ms']):>6}"
        )
    lines.append(
        f"{'all':<40} {result['requests']:>8} {result['errors']:>5} {result['rps']:>6.2f} "
        f"{ms(result['p50_ms']):>6} {ms(result['p95_ms']):>6} {ms(result['p99_ms']):>6}"
    )
    cpu, audit = result["cpu"], result["audit"]
    lines.append(
        f"p95 {result['p95_ms']:.0f} ms against the aim of {AIM_P95_MS} ms: ratio {result['ratio']}; "
        f"{result['errors']} errors. CPU (cores of {cpu['cores']}): gunicorn {cpu['gunicorn_cores']}, "
        f"PostgreSQL {cpu['postgres_cores']}, locust {cpu['locust_cores']}, machine busy {cpu['machine_busy']:.0%}; "
        f"gunicorn CPU per request {cpu['gunicorn_ms_per_request']} ms."
    )
    lines.append(
        f"Audit log: {audit['rows']} rows, {audit['per_request']} per request, {audit['per_user_minute']} per "
        f"user-minute, {audit['bytes_per_row']} bytes per row; a school year: {audit['year']['rows']:,} rows, "
        f"{audit['year']['gb']} GB."
    )
    return "\n".join(lines)
