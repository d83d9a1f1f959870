"""Pick up the feed inbox now (FEEDBACK_INBOX/<BRIN>/), as Celery beat does every morning."""

from django.conf import settings
from django.core.management.base import BaseCommand

from feedback.inbox import pickup


class Command(BaseCommand):
    help = "Store every settled file in FEEDBACK_INBOX/<BRIN>/ as a batch (then ingested) and leave a receipt."

    def handle(self, *args, **options) -> None:
        batches = pickup()
        for batch in batches:
            batch.refresh_from_db()
            self.stdout.write(
                f"{batch.mbo_school.code}/{batch.filename}: batch {batch.pk}, {batch.get_state_display()}"
                + (f" ({batch.failure})" if batch.failure else "")
            )
        self.stdout.write(self.style.SUCCESS(f"{len(batches)} file(s) picked up from {settings.FEEDBACK_INBOX}."))
