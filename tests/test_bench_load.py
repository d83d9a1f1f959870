"""manage.py bench load: gunicorn on a tiny generated region, locust for a few seconds with a few users, one JSON
line with the figures; the server is gone afterwards. It runs on PostgreSQL with Redis only (the server is another
process: it needs a database it can see), and says so on SQLite."""

import io
import json
import os
import socket

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEntry
from voroc import settings as project_settings

ENDPOINT_KEYS = {"requests", "failures", "rps", "p50_ms", "p95_ms", "p99_ms", "avg_ms"}
# The test's server port: free by default; VOROC_BENCH_PORT chooses one (a machine that hands out port ranges).
PORT = os.environ.get("VOROC_BENCH_PORT", "0")

services = pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="bench load runs gunicorn on PostgreSQL with Redis (DATABASE_URL, REDIS_URL); CI runs it there",
)


@services
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_load_bench_runs_end_to_end_and_prints_its_figures(capsys, settings):
    # The server checks passwords with the project's hashers: the region's users get such a hash (the tests'
    # fast hasher is not among them).
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    out = io.StringIO()
    call_command(
        "bench", "load", "--pupils", "40", "--users", "5", "--spawn-rate", "5", "--seconds", "6", "--port", PORT,
        stdout=out,
    )  # fmt: skip
    [printed] = out.getvalue().splitlines()
    result = json.loads(printed)
    assert result["name"] == "load" and result["database"] == "postgresql"
    assert result["users"] == 5 and result["seconds"] == 6 and result["generated_s"] > 0
    for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors", "aim_p95_ms", "ratio", "within_aim", "slowest"):
        assert key in result, key
    assert result["requests"] > 0 and result["rps"] > 0 and result["p95_ms"] > 0
    assert result["errors"] == sum(e["failures"] for e in result["endpoints"].values())
    assert result["ratio"] == round(result["p95_ms"] / 500, 2)
    # Every user logged in through the form, and was shown its first page.
    assert result["endpoints"]["POST inloggen"]["requests"] >= 5
    assert result["endpoints"]["POST inloggen"]["failures"] == 0
    for figures in result["endpoints"].values():
        assert ENDPOINT_KEYS <= figures.keys()
    assert {"gunicorn_cores", "postgres_cores", "locust_cores", "machine_busy"} <= result["cpu"].keys()
    assert result["cpu"]["gunicorn_cores"] > 0
    # The audit log: what the run wrote is counted against the requests.
    audit = result["audit"]
    assert audit["rows"] == AuditEntry.objects.count() > 0
    assert audit["by_action"]["login"] >= 5
    counted = sum(role["requests"] for role in audit["year"]["roles"].values())
    assert counted == result["requests"]  # each request counted for the role that made it
    assert audit["per_request"] == round(audit["rows"] / counted, 3)
    assert audit["bytes_per_row"] > 0 and audit["year"]["rows"] > 0 and audit["year"]["gb"] >= 0
    assert "p95" in capsys.readouterr().err  # the readable table
    # The server is gone: nothing answers on its port any more.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", result["port"]), timeout=1):
        pass


@services
@pytest.mark.django_db(transaction=True)
def test_reuse_needs_a_generated_region():
    with pytest.raises(CommandError, match="no generated region"):
        call_command("bench", "load", "--reuse", stdout=io.StringIO())


@pytest.mark.django_db
def test_on_sqlite_it_refuses_with_a_clear_message():
    if connection.vendor != "sqlite":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "load", stdout=io.StringIO())


def test_an_option_of_another_benchmark_is_refused():
    with pytest.raises(CommandError, match="pupil_page takes no --users"):
        call_command("bench", "pupil_page", "--users", "3", stdout=io.StringIO())
