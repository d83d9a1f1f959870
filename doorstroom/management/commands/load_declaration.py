"""manage.py load_declaration FILE [--region R --year Y]: check a doorstroomformulier declaration and store it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doorstroom.declaration import DeclarationError
from doorstroom.loader import load, read


class Command(BaseCommand):
    help = "Check a declaration of the doorstroomformulier (JSON) and store it as a version for its region and year."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--region", help="e.g. Haaglanden (default: the file's 'region')")
        parser.add_argument("--year", type=int, help="first year of the school year, e.g. 2026 (default: the file's)")
        parser.add_argument("--check", action="store_true", help="only check the file, store nothing")

    def handle(self, *args, file: Path, region=None, year=None, check=False, **options) -> None:
        try:
            document = read(file)
            if check:
                from doorstroom.declaration import parse

                parsed = parse(document)
                self.stdout.write(
                    self.style.SUCCESS(f"{file}: OK, {len(parsed.steps)} steps, {len(parsed.fields)} fields.")
                )
                return
            loaded = load(document=document, region=region, school_year=year, source=file.name)
        except DeclarationError as exc:
            raise CommandError(f"The declaration is refused: {exc}") from exc
        d = loaded.declaration
        self.stdout.write(self.style.SUCCESS(f"{d.region} {d.school_year}, version {d.version}: {loaded.outcome}."))
