"""Start a new school year: this year's pupils move to Oud leerlingen, older ones drop out of view."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from students.schoolyear import label
from students.services import start_school_year


class Command(BaseCommand):
    help = "Start school year YEAR (e.g. 2027 for 2027-2028). Last year's pupils move to Oud leerlingen."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args, year: int, **options) -> None:
        try:
            moved = start_school_year(year=year, by="manage.py start_school_year")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"School year {label(year)} started; {moved} pupils of {label(year - 1)} are now Oud leerlingen."
            )
        )
