"""Batches go after their retention period (feed_batches); new BSN keys: sealed batches and waiting rows follow them."""

import base64
import datetime
import io
import secrets

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.retention import categories
from feedback import payload
from feedback.matching import match_waiting
from feedback.models import Batch, BatchLine, WaitingRow
from students import bsn as bsn_crypto
from students.models import Aanmelding
from tests.factories import PupilFactory, valid_bsn

from .conftest import feed_csv, row, run_file, write

pytestmark = pytest.mark.django_db


def test_batches_past_their_retention_go_with_their_lines_and_waiting_rows(
    tmp_path, settings, mbo, verpleegkunde, pupils
):
    settings.VOROC_RETENTION_DAYS = {"feed_batches": 30}
    (category,) = [c for c in categories() if c.key == "feed_batches"]

    def purge_expired():
        return category.purge(category.cutoff())

    old = run_file(
        mbo,
        write(
            tmp_path,
            "oud.csv",
            feed_csv(
                [
                    row(0, "MB-1"),
                    {**row(0, "MB-2"), "bsn": valid_bsn(1), "crebo": "x"},
                    {**row(1, "MB-3"), "bsn": valid_bsn(2)},
                ]
            ),
        ),
    )
    recent = run_file(mbo, write(tmp_path, "nieuw.csv", feed_csv([row(0, "MB-1", "INTAKE")])))
    Batch.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=31))
    assert purge_expired() == 1
    assert list(Batch.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not BatchLine.objects.filter(batch_id=old.pk).exists() and not WaitingRow.objects.exists()
    # What the batch did to the aanmeldingen stays: they are the school's record now.
    assert Aanmelding.objects.get(external_id="MB-1").history.count() == 2
    assert purge_expired() == 0


def test_batches_are_kept_a_year_unless_configured_otherwise(settings):
    (category,) = [c for c in categories() if c.key == "feed_batches"]
    assert category.days == 365
    settings.VOROC_RETENTION_DAYS = {"feed_batches": 90}
    assert category.days == 90


def test_new_keys_reseal_batches_and_reencrypt_and_reindex_waiting_rows(tmp_path, settings, mbo, verpleegkunde, vo):
    unknown = valid_bsn(555)
    batch = run_file(mbo, write(tmp_path, "dag.csv", feed_csv([{**row(0, "MB-1"), "bsn": unknown}])))
    original = payload.unseal(bytes(batch.payload))
    old_keys = settings.BSN_ENCRYPTION_KEYS
    new_key = base64.b64encode(secrets.token_bytes(32)).decode()
    settings.BSN_ENCRYPTION_KEYS = f"9:{new_key},{old_keys}"
    settings.BSN_INDEX_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
    out = io.StringIO()
    call_command("rotate_feedback_keys", stdout=out)
    assert "1 feed batches re-sealed, 1 waiting rows re-encrypted" in out.getvalue()
    batch.refresh_from_db()
    assert batch.payload_key_id == "9" and bytes(batch.payload).startswith(b"9:")
    waiting = WaitingRow.objects.get()
    assert waiting.bsn_encrypted.startswith("9:") and waiting.bsn_index == bsn_crypto.blind_index(unknown)
    settings.BSN_ENCRYPTION_KEYS = f"9:{new_key}"  # the old key can go now
    assert payload.unseal(bytes(batch.payload)) == original
    # Under the new index key the waiting row still finds its pupil.
    PupilFactory(school=vo, bsn=unknown)
    assert match_waiting(bsn_index=bsn_crypto.blind_index(unknown)).applied == 1
    call_command("rotate_feedback_keys", stdout=io.StringIO())  # again: harmless
