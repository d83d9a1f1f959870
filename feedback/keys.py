"""Key rotation for what the feed keeps sealed (run after students' rotate_bsn_keys, see README)."""

from __future__ import annotations

from django.db import transaction

from students import bsn as bsn_crypto

from . import payload
from .models import Batch, WaitingRow


def rotate(*, batch_size: int = 20) -> tuple[int, int]:
    """Re-seal batches not sealed with the current key; re-encrypt every waiting row and recompute its index.
    Safe to run again; each step is its own transaction."""
    current = bsn_crypto.current_key_id()
    batches = 0
    while True:
        with transaction.atomic():
            todo = list(
                Batch.objects.select_for_update()
                .filter(payload__isnull=False)
                .exclude(payload_key_id=current)
                .order_by("pk")[:batch_size]
            )
            if not todo:
                break
            for batch in todo:
                batch.payload, batch.payload_key_id = payload.seal(payload.unseal(bytes(batch.payload or b"")))
                batch.save(update_fields=["payload", "payload_key_id"])
            batches += len(todo)
    rows, last = 0, 0
    while True:
        with transaction.atomic():
            waiting = list(WaitingRow.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:500])
            if not waiting:
                break
            for row in waiting:
                plain = bsn_crypto.decrypt(row.bsn_encrypted)
                row.bsn_encrypted, row.bsn_index = bsn_crypto.encrypt(plain), bsn_crypto.blind_index(plain)
            WaitingRow.objects.bulk_update(waiting, ["bsn_encrypted", "bsn_index"])
            rows += len(waiting)
            last = waiting[-1].pk
    return batches, rows
