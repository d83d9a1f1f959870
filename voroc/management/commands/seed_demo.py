"""Fill the database with the demo region: organisations and users, then pupils, groups and mentor links.

Idempotent: a second run finds everything in place and changes nothing (existing passwords included).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import USERS, demo_password, seed_accounts
from accounts.models import Role
from doorstroom.demo import seed_forms
from doorstroom.loader import load_shipped
from dossier.demo import ACTIVE as DEMO_LEERLING
from dossier.demo import seed_dossiers, seed_pupil_accounts
from gemeente.demo import seed_gemeente
from groups.demo import seed_pupils_and_groups
from monitor.demo import seed_reports
from notifications.demo import seed_meldingen
from verzuim.demo import seed_verzuim


class Command(BaseCommand):
    help = "Fill the database with the demo region (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-pupils", action="store_true", help="Only organisations and users.")
        parser.add_argument(
            "--no-reports",
            action="store_true",
            help="Without the gemeenten's monthly reports (their PDFs take a few seconds to make).",
        )

    def handle(self, *args, no_pupils: bool = False, no_reports: bool = False, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo fills a demo region with known passwords; it does not run in production.")
        orgs, created = seed_accounts()
        created += load_shipped()  # the region's doorstroomformulier (normally there since the migration)
        if not no_pupils:
            created += seed_pupils_and_groups(orgs)
            created += seed_meldingen()
            created += seed_forms()
            created += seed_gemeente()
            created += seed_verzuim()
            created += seed_pupil_accounts()
            created += seed_dossiers()  # one in each state, leerling.vo1's part-filled
            if not no_reports:
                created += seed_reports()  # after the commit: the gemeenten's monthly reports
        password = demo_password()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new records)."))
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, code, role, *_ in USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label:<24} {orgs[code].name}")
        if not no_pupils:
            self.stdout.write(f"  {DEMO_LEERLING:<18} {Role.LEERLING.label:<24} {orgs['00AA'].name}")
            self.stdout.write(
                "  (and leerling.bijmentor.vo1, leerling.akkoord.vo1, leerling.verstuurd.vo1: a dossier in each state)"
            )
        self.stdout.write("The servicedesk sets up its authenticator app (TOTP) at its first login; admin: /beheer/")
