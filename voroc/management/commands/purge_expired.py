"""manage.py purge_expired [--dry-run]: remove what is past its retention period, and say how much."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.retention import run


class Command(BaseCommand):
    help = "Verwijder wat over zijn bewaartermijn is (--dry-run: laat alleen zien wat er weg zou gaan)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Niets verwijderen, alleen tellen.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        outcomes = run(dry_run=dry_run)
        verb = "te verwijderen" if dry_run else "verwijderd"
        if dry_run:
            self.stdout.write("Proefdraai: er wordt niets verwijderd.")
        for outcome in outcomes:
            category = outcome.category
            self.stdout.write(
                f"{category.key:<16} {category.label:<52} {category.days:>5} dagen na {category.counts_from}"
                f" (vóór {timezone.localtime(outcome.cutoff):%d-%m-%Y}): {outcome.count} {verb}"
            )
        total = sum(o.count for o in outcomes)
        self.stdout.write(self.style.SUCCESS(f"Totaal: {total} {verb}."))
