"""Write a realistic day of feeds for the connected demo mbo-school(s), to show the whole flow end to end."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from feedback.simulate import simulate


class Command(BaseCommand):
    help = (
        "Write one feed file per connected mbo-school into --out DIR/<BRIN>/, from the aanmeldingen in VOROC: "
        "statuses moving forward, new aanmeldingen, some unknown BSNs and some bad rows. Demo data only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="folder to write into (e.g. FEEDBACK_INBOX)")
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="the day (YYYY-MM-DD), default today")
        parser.add_argument("--seed", type=int, help="a fixed seed (default: from the school and the day)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, out: Path, date=None, seed=None, format: str = "csv", **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("simulate_feedback writes demo files with BSNs; it does not run in production.")
        days = simulate(out=out, day=date, seed=seed, fmt=format)
        if not days:
            raise CommandError("No connected mbo-school: run seed_demo first (MBO1 is connected).")
        for day in days:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(day.kinds.items()))
            self.stdout.write(f"{day.path}  {day.school.name}: {day.rows} rows ({kinds})")
        first = days[0]
        self.stdout.write("The files hold demo BSNs in plain text, as a real feed does; delete them after use.")
        self.stdout.write("Next, one of:")
        self.stdout.write(f"  python manage.py import_feedback {first.path} --mbo {first.school.code}")
        self.stdout.write(
            f"  copy the file into {settings.FEEDBACK_INBOX}/{first.school.code}/ and run python manage.py pickup_feedback_inbox"
        )
        self.stdout.write(
            '  curl -H "Authorization: Bearer <token>" -H "Content-Type: text/csv" --data-binary '
            f"@{first.path} {settings.VOROC_BASE_URL}/api/v1/feedback/batches"
        )
