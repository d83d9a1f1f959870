"""Create an API token for a connected mbo-school and print it once (as admin shows it once)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, OrganisationKind
from feedback.tokens import create_token


class Command(BaseCommand):
    help = "Create a feed API token for the mbo-school with BRIN code --mbo; the token is printed once, only its hash is kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mbo", required=True)
        parser.add_argument("--name", required=True, help='what it is for, e.g. "Koppeling Eduarte"')

    def handle(self, *args, mbo: str, name: str, **options) -> None:
        school = Organisation.objects.filter(code=mbo.upper(), kind=OrganisationKind.MBO_SCHOOL).first()
        if school is None or not school.connected:
            raise CommandError(f"No connected mbo-school with BRIN code {mbo}.")
        token, secret = create_token(school=school, name=name, by=None)
        self.stdout.write(f"Token {token.name!r} for {school.name} (shown only now; revoke it in admin):")
        self.stdout.write(secret)
