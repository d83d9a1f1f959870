"""manage.py bench audit_scale: the audit log filled to a size, the purge measured one statement against batches
with inserts from another connection meanwhile; one JSON line, and nothing of its own left behind."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import Action, AuditEntry, PupilKey


@pytest.mark.django_db(transaction=True)
def test_it_measures_a_small_log_and_leaves_only_what_was_there():
    if connection.vendor != "postgresql":
        pytest.skip("bench audit_scale measures PostgreSQL (the other connection, its locks and sizes)")
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(action=Action.VIEW, pupil_id=7, actor_name="Decaan", summary="leerling"),
            AuditEntry(action=Action.LIST, subjects=" 7 8 9 ", count=3, actor_name="Decaan", summary="overzicht"),
        ]
    )
    before = sorted(AuditEntry.objects.values_list("pk", "action"))
    keys = PupilKey.objects.count()
    out = io.StringIO()
    call_command("bench", "audit_scale", "--rows", "3000", stdout=out)
    [printed] = out.getvalue().splitlines()
    result = json.loads(printed)
    assert result["name"] == "audit_scale" and result["rows"] == 3000 and result["rows_before"] == 2
    assert result["purged"] == 1500  # the older half of the year
    for way in ("purge_one_statement", "purge_batched"):
        assert result[way]["removed"] == 1500
        assert result[way]["probe_inserts"] > 0 and result[way]["probe_max_ms"] > 0
        assert result[way]["probe_lock_waits"] == 0  # the other connection's inserts never wait for the purge's locks
    assert result["bytes_per_row"] > 0 and result["insert_ms"]["year"]["median"] > 0
    assert result["key_cleanup"]["not_in_removes"] == result["key_cleanup"]["not_exists_removes"] == 1000
    assert {"insert_ratio", "purge_ratio", "insert_bound_ms", "within_bound"} <= result.keys()
    # What it wrote is gone (its entries, its keys); what was there stays.
    assert sorted(AuditEntry.objects.values_list("pk", "action")) == before
    assert PupilKey.objects.count() == keys


@pytest.mark.django_db
def test_on_sqlite_it_refuses_with_a_clear_message():
    if connection.vendor != "sqlite":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "audit_scale", "--rows", "1000", stdout=io.StringIO())
