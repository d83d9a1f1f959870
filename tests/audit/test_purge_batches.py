"""The retention purge of the audit log deletes in batches by primary key, each in a transaction of its own, and
removes exactly the entries older than the cutoff (on SQLite and on PostgreSQL, whichever the suite runs on)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import PURGE_BATCH, Action, AuditEntry, PupilKey

pytestmark = pytest.mark.django_db
CUTOFF = timezone.now() - datetime.timedelta(days=5 * 365)


def _entries(ages_in_days: list[float]) -> list[AuditEntry]:
    """One entry per age, written in this order (their ids follow it), relative to the cutoff: negative is older."""
    return AuditEntry.objects.bulk_create(
        [
            AuditEntry(action=Action.VIEW, at=CUTOFF + datetime.timedelta(days=age), pupil_id=n, summary=f"#{n}")
            for n, age in enumerate(ages_in_days)
        ]
    )


def _deletes(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("DELETE")]


def test_exactly_the_expired_entries_go_in_batches_of_ids_and_the_others_stay():
    # Expired and kept entries interleaved by id, as a late write with an old time would make them; one at the
    # cutoff itself stays (older than the cutoff goes).
    ages = [-400, -30, 10, -1, -0.001, 0, 3, -200, -2, 1, -5, -6, -7, 20, -8, -9, -10, -11, -12, 2, -13, -14, -15]
    entries = _entries(ages)
    expired = {e.pk for e, age in zip(entries, ages, strict=True) if age < 0}
    kept = {e.pk for e, age in zip(entries, ages, strict=True) if age >= 0}
    first, last = min(expired), max(expired)

    with CaptureQueriesContext(connection) as captured:
        removed = AuditEntry.objects.purge_before(CUTOFF, batch_size=4)

    assert removed == len(expired) == 17
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == kept
    # One DELETE per range of 4 ids from the first expired id to the last one, each in a transaction of its own
    # (a savepoint here, inside the test's transaction), never more rows than the batch.
    deletes = _deletes(captured)
    assert len(deletes) == len(range(first, last + 1, 4))
    savepoints = [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("SAVEPOINT")]
    assert len(savepoints) == len(deletes)


def test_the_default_batch_is_ten_thousand_and_nothing_expired_deletes_nothing():
    assert PURGE_BATCH == 10_000
    _entries([1, 2, 3])
    with CaptureQueriesContext(connection) as captured:
        assert AuditEntry.objects.purge_before(CUTOFF) == 0
    assert _deletes(captured) == [] and AuditEntry.objects.count() == 3


def test_a_purge_of_more_than_a_batch_in_one_range_per_batch():
    entries = _entries([-1.0 - n / 1000 for n in range(25)] + [1.0])
    with CaptureQueriesContext(connection) as captured:
        assert AuditEntry.objects.purge_before(CUTOFF, batch_size=10) == 25
    assert len(_deletes(captured)) == 3  # ids first..first+9, +10..+19, +20..+24
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [entries[-1].pk]


def test_the_purge_keeps_to_the_queryset_it_is_called_on():
    entries = _entries([-3, -2, -1])
    AuditEntry.objects.filter(pk=entries[1].pk).purge_before(CUTOFF)
    assert sorted(AuditEntry.objects.values_list("pk", flat=True)) == [entries[0].pk, entries[2].pk]


def test_the_retention_removes_old_keys_of_pupils_without_entries_and_keeps_the_others():
    from audit.retention import _purge

    _entries([-10, 5])  # pupil 0: an expired entry (it goes); pupil 1: one that stays
    old = CUTOFF - datetime.timedelta(days=1)
    for pupil_id, created in ((0, old), (1, old), (2, old), (3, timezone.now())):
        key = PupilKey.objects.create(pupil_id=pupil_id, sealed_key="x")
        PupilKey.objects.filter(pk=key.pk).update(created_at=created)
    assert _purge(CUTOFF) == 1
    # Pupil 0's only entry went, pupil 2 had none: their old keys go; pupil 1 still has an entry; 3's key is new.
    assert sorted(PupilKey.objects.values_list("pupil_id", flat=True)) == [1, 3]
