"""manage.py generate_load --region haaglanden|national: a whole region of generated data, for load tests."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from students.models import Pupil
from voroc.bench.region import DEFAULT_SEED, REGIONS, generate


class Command(BaseCommand):
    help = (
        "Fill the database with a generated region (schools, users, pupils with valid BSNs, aanmeldingen, forms, "
        "meldingen, the gemeente's cases, verzuim), reproducible from --seed. Not in production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", choices=sorted(REGIONS), default="haaglanden")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Default {DEFAULT_SEED}.")
        parser.add_argument("--pupils", type=int, help="This school year's pupils (default: the region's size).")
        parser.add_argument(
            "--add", action="store_true", help="Also when the database holds pupils already (use another --seed)."
        )

    def handle(self, *args, region: str, seed: int, pupils: int | None, add: bool, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "generate_load fills the database with generated data and known passwords; it does not run in production."
            )
        if pupils is not None and pupils < 1:
            raise CommandError("--pupils must be 1 or more.")
        if not add and Pupil.objects.exists():
            raise CommandError("The database holds pupils already; add --add (with another --seed) to add a region.")
        start = time.perf_counter()
        scene = generate(region, seed=seed, pupils=pupils)
        seconds = time.perf_counter() - start
        made = ", ".join(f"{n} {kind}" for kind, n in scene.counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Region {region} (seed {seed}) generated in {seconds:.1f} s: {made}."))
        if options["verbosity"] > 1:
            self.stdout.write("Seconds per part: " + ", ".join(f"{k} {v}" for k, v in scene.seconds.items()))
