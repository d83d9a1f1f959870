"""manage.py bench NAME: run one benchmark on generated data and print one JSON line (figure, limit, ratio)."""

import inspect
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

BENCHMARKS = {
    "admin_pupils": "voroc.bench.lists.admin_pupils",
    "audit_scale": "voroc.bench.audit_scale.audit_scale",
    "export_overview": "voroc.bench.export_overview.export_overview",
    "form_pdf": "voroc.bench.form_pdf.form_pdf",
    "form_step": "voroc.bench.form_step.form_step",
    "feed_ingest": "voroc.bench.feed_ingest.feed_ingest",
    "import_pupils": "voroc.bench.import_pupils.import_pupils",
    "load": "voroc.bench.load.load",
    "login_hash": "voroc.bench.login_hash.login_hash",
    "mbo_aanmeldingen": "voroc.bench.lists.mbo_aanmeldingen",
    "meldingen": "voroc.bench.lists.meldingen",
    "monitor": "voroc.bench.monitor.monitor",
    "overview": "voroc.bench.overview.overview",
    "pupil_page": "voroc.bench.lists.pupil_page",
}
# Options of some benchmarks: each is passed to the benchmarks whose function takes it, refused for the others.
OPTIONS = {
    "users": dict(type=int, help="load: simulated users (default 50)."),
    "seconds": dict(type=int, help="load: how long locust runs (default 60)."),
    "spawn_rate": dict(type=float, help="load: users started per second (default 5)."),
    "reuse": dict(action="store_true", default=None, help="load: test the generated region already in the database."),
    "region": dict(help="load: the region generated when not --reuse (default haaglanden)."),
    "pupils": dict(type=int, help="load: this school year's pupils of the generated region (default: the region's)."),
    "port": dict(type=int, help="load: the loopback port for gunicorn (default: a free one)."),
    "rows": dict(type=int, help="audit_scale: entries of the audit log to measure on (default: a school year's)."),
}


class Command(BaseCommand):
    help = "Run a benchmark: " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        for option, spec in OPTIONS.items():
            parser.add_argument(f"--{option.replace('_', '-')}", dest=option, **spec)

    def handle(self, *args, name: str, **options) -> None:
        benchmark = import_string(BENCHMARKS[name])
        accepted = inspect.signature(benchmark).parameters
        given = {option: options[option] for option in OPTIONS if options.get(option) is not None}
        wrong = [f"--{option.replace('_', '-')}" for option in given if option not in accepted]
        if wrong:
            raise CommandError(f"{name} takes no {', '.join(wrong)}.")
        try:
            result = benchmark(**given)
        except CommandError:  # a benchmark that refuses says why
            raise
        except Exception as exc:  # a benchmark that breaks says so in one line, not a traceback
            raise CommandError(f"{name} failed: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(json.dumps(result))
