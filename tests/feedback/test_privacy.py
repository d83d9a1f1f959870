"""After a demo day through all three transports no demo BSN is anywhere in plain text: not in a dump of the
whole database (pg_dump on PostgreSQL), not in a log line or SQL statement, a report, a receipt, an API
answer or the command's output."""

import io
import logging
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client

from feedback.models import BatchLine, BatchState, WaitingRow
from feedback.tokens import create_token
from students import bsn as bsn_crypto
from students.models import Pupil
from tests.conftest import bsn_like_numbers


def dump_database() -> str:
    if connection.vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            pytest.fail("pg_dump is missing (Debian package postgresql-client)")
        db = connection.settings_dict
        result = subprocess.run(
            [
                "pg_dump",
                "-h",
                db.get("HOST") or "127.0.0.1",
                "-p",
                str(db.get("PORT") or 5432),
                "-U",
                db.get("USER") or "postgres",
                db["NAME"],
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PGPASSWORD": db.get("PASSWORD") or ""},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout
    return "\n".join(connection.connection.iterdump())


@pytest.mark.django_db(transaction=True)
def test_no_demo_bsn_in_plain_text_after_a_feed_day(tmp_path, settings, caplog, eager):
    settings.FEEDBACK_INBOX = tmp_path / "inbox"
    settings.FEEDBACK_INBOX_SETTLE_SECONDS = 0
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("simulate_feedback", "--out", str(tmp_path / "sim"), stdout=out)
    path = next((tmp_path / "sim" / "25AA").iterdir())
    text = path.read_text(encoding="utf-8-sig")
    demo_bsns = {bsn_crypto.decrypt(p.bsn_encrypted) for p in Pupil.objects.exclude(bsn_encrypted="")}
    in_file = set(re.findall(r";(\d{9});", text))
    assert len(in_file & demo_bsns) > 50 and in_file - demo_bsns  # known pupils and unknown ones
    everything = demo_bsns | in_file

    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    reset_queries()
    try:
        # The same day through the command, the inbox and the API; a day later, again.
        command = io.StringIO()
        call_command("import_feedback", str(path), "--mbo", "25AA", stdout=command)
        (tmp_path / "inbox" / "25AA").mkdir(parents=True)
        shutil.copy(path, tmp_path / "inbox" / "25AA" / path.name)
        call_command("pickup_feedback_inbox", stdout=command)
        secret = create_token(school=path_school(), name="privacy", by=None)[1]
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        accepted = api.post("/api/v1/feedback/batches", data=path.read_bytes(), content_type="text/csv")
        report = api.get(accepted.json()["report"])
        statements = " ".join(q["sql"] for q in connection.queries)
    finally:
        connection.force_debug_cursor = False
    assert accepted.status_code == 202 and report.json()["state"] == BatchState.DONE
    assert WaitingRow.objects.exists() and BatchLine.objects.filter(kind="rejected").exists()

    receipts = " ".join(p.read_text() for p in (tmp_path / "inbox" / "25AA").rglob("*.txt"))
    assert not any((tmp_path / "inbox" / "25AA").glob("*.csv"))  # the plain file left the inbox
    logs = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    reasons = " ".join(BatchLine.objects.values_list("reason", flat=True))
    dump = dump_database()
    assert "students_pupil" in dump and "feedback_batch" in dump and len(dump) > 100_000  # a real dump
    places = {
        "database dump": dump,
        "log lines": logs,
        "SQL statements": statements,
        "command output": command.getvalue(),
        "receipts": receipts,
        "API answers": accepted.content.decode() + report.content.decode(),
        "report lines": reasons,
        "simulator output": out.getvalue(),
    }
    for place, content in places.items():
        found = [number for number in everything if number in content]
        assert found == [], f"{len(found)} BSNs in plain text in the {place}"
    for place in ("log lines", "command output", "receipts", "API answers", "report lines"):
        assert bsn_like_numbers(places[place]) == [], place


def path_school():
    from accounts.models import Organisation

    return Organisation.objects.get(code="25AA")
