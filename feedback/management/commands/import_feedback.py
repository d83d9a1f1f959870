"""Ingest one feed file now for the mbo-school with BRIN code --mbo, and print its report."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, OrganisationKind
from feedback.models import BatchState, Format, Transport
from feedback.parser import guess_format
from feedback.report import text_report
from feedback.services import ingest, receive


class Command(BaseCommand):
    help = "Ingest a feed file (CSV or JSON, see README) for the mbo-school with BRIN code --mbo and print the report."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--mbo", required=True, help="BRIN code of the (connected) mbo-school")
        parser.add_argument("--format", choices=Format.values, help="csv or json (default: from the file name)")

    def handle(self, *args, file: Path, mbo: str, format: str | None = None, **options) -> None:
        school = Organisation.objects.filter(code=mbo.upper(), kind=OrganisationKind.MBO_SCHOOL).first()
        if school is None:
            raise CommandError(f"No mbo-school with BRIN code {mbo}.")
        if not school.connected:
            raise CommandError(f"{school.name} is not set up as a connected mbo-school (admin: Organisaties).")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        batch = receive(
            school=school,
            data=data,
            transport=Transport.COMMAND,
            fmt=format or guess_format(file.name, data),
            sender=f"manage.py import_feedback ({getpass.getuser()})",
            filename=file.name,
            enqueue=False,
        )
        if batch.state != BatchState.FAILED:
            batch = ingest(batch.pk)
        self.stdout.write(text_report(batch))
        if batch.state == BatchState.FAILED:
            raise CommandError(f"Batch {batch.pk} could not be read: {batch.failure}")
