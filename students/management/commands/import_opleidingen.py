"""Import an mbo-school's opleidingen from a CSV file; prints what was new, updated and rejected (by line)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from students.catalogue_import import import_opleidingen


class Command(BaseCommand):
    help = "Import opleidingen (crebo;opleiding;niveau;leerweg[;locatie]) for the mbo-school with BRIN code --mbo."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--mbo", required=True, help="BRIN code of the mbo-school")

    def handle(self, *args, file: Path, mbo: str, **options) -> None:
        school = Organisation.objects.filter(code=mbo.upper(), kind="mbo").first()
        if school is None:
            raise CommandError(f"Geen mbo-school met BRIN-code {mbo}.")
        try:
            report = import_opleidingen(school=school, content=file.read_bytes())
        except (OSError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
