"""Re-encrypt every stored BSN with the first key of BSN_ENCRYPTION_KEYS and recompute its index."""

from django.core.management.base import BaseCommand

from students import bsn
from students.services import rotate_bsn_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every BSN with the current (first) key of BSN_ENCRYPTION_KEYS and recompute the blind "
        "index with BSN_INDEX_KEY. Keep the old keys configured until this has finished."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        count = rotate_bsn_keys(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"{count} BSNs re-encrypted with key {bsn.current_key_id()}."))
