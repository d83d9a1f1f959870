"""After rotate_bsn_keys: re-seal stored batches with the current key, re-encrypt and re-index waiting rows."""

from django.core.management.base import BaseCommand

from feedback.keys import rotate


class Command(BaseCommand):
    help = (
        "Re-seal every stored feed batch with the current (first) key of BSN_ENCRYPTION_KEYS and re-encrypt the "
        "rows waiting for a pupil, recomputing their blind index with BSN_INDEX_KEY. Run it with rotate_bsn_keys."
    )

    def handle(self, *args, **options) -> None:
        batches, rows = rotate()
        self.stdout.write(self.style.SUCCESS(f"{batches} feed batches re-sealed, {rows} waiting rows re-encrypted."))
