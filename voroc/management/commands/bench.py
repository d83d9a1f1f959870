"""manage.py bench NAME: run one benchmark on generated data and print one JSON line (figure, limit, ratio)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

BENCHMARKS = {
    "admin_pupils": "voroc.bench.lists.admin_pupils",
    "export_overview": "voroc.bench.export_overview.export_overview",
    "form_pdf": "voroc.bench.form_pdf.form_pdf",
    "form_step": "voroc.bench.form_step.form_step",
    "feed_ingest": "voroc.bench.feed_ingest.feed_ingest",
    "import_pupils": "voroc.bench.import_pupils.import_pupils",
    "login_hash": "voroc.bench.login_hash.login_hash",
    "mbo_aanmeldingen": "voroc.bench.lists.mbo_aanmeldingen",
    "meldingen": "voroc.bench.lists.meldingen",
    "monitor": "voroc.bench.monitor.monitor",
    "overview": "voroc.bench.overview.overview",
    "pupil_page": "voroc.bench.lists.pupil_page",
}


class Command(BaseCommand):
    help = "Run a benchmark: " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))

    def handle(self, *args, name: str, **options) -> None:
        try:
            result = import_string(BENCHMARKS[name])()
        except Exception as exc:  # a benchmark that breaks says so in one line, not a traceback
            raise CommandError(f"{name} failed: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(json.dumps(result))
