"""manage.py import_pupils FILE --school BRIN [--dry-run]: the servicedesk imports a school's pupil list and reads
the report (the same rules as Leerlingen importeren; the mapping is the school's last one, else guessed)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, OrganisationKind
from audit.context import acting_as
from students.imports import mapping as mapping_rules
from students.imports.apply import apply_plan
from students.imports.plan import KIND_LABELS, Kind, make_plan
from students.imports.readers import UnreadableFile, read_table
from students.imports.services import report_of
from students.models import ImportMapping


class Command(BaseCommand):
    help = "Importeer leerlingen uit een Excel-, CSV- of EDEXML-bestand van het administratiesysteem van een school."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Het bestand (.xlsx, .csv of .xml).")
        parser.add_argument("--school", required=True, help="De BRIN-code van de vo-school.")
        parser.add_argument("--dry-run", action="store_true", help="Alleen de controle tonen; niets opslaan.")

    def handle(self, *args, file: str, school: str, dry_run: bool, **options) -> None:
        organisation = Organisation.objects.filter(code=school, kind=OrganisationKind.VO_SCHOOL).first()
        if organisation is None:
            raise CommandError(f"Geen vo-school met BRIN-code {school}.")
        path = Path(file)
        try:
            table = read_table(path.name, path.read_bytes())
        except (OSError, UnreadableFile) as exc:
            raise CommandError(
                str(exc) if isinstance(exc, UnreadableFile) else "Het bestand kan niet worden gelezen."
            ) from exc
        remembered = ImportMapping.objects.filter(school=organisation).first()
        mapping = mapping_rules.guess(table.headings, remembered.columns if remembered else None)
        problems = mapping_rules.problems(mapping)
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write("Kolommen: " + ", ".join(f"{table.headings[int(i)]} → {f}" for i, f in mapping.items()))
        with acting_as("servicedesk (import_pupils)", screen="command:import_pupils"):
            plan = make_plan(school=organisation, table=table, mapping=mapping)
            groups = plan.new_group_names()
            outcome = None if dry_run else apply_plan(plan, user=None)
            if outcome is not None:
                from audit.models import Action
                from audit.services import PupilRef, record_event

                counts = plan.counts()
                record_event(
                    Action.CREATE,
                    summary="leerlingimport (servicedesk): "
                    + ", ".join(f"{counts[str(k)]} {KIND_LABELS[k]}" for k in Kind if counts.get(str(k))),
                    pupil=PupilRef(None, organisation.pk),  # type: ignore[arg-type]
                )
        report = report_of(plan, outcome, filename=path.name, groups=groups)
        self._print(report, dry_run=dry_run)
        if outcome is not None and outcome.error:
            raise CommandError(
                f"Gestopt door een fout ({outcome.error}); de regels hierboven zonder 'ingelezen' zijn niet opgeslagen."
            )

    def _print(self, report: dict, *, dry_run: bool) -> None:
        counts = report["counts"]
        if dry_run:
            self.stdout.write("Proefdraai: er is niets opgeslagen.")
        self.stdout.write(
            f"{counts['new']} nieuw, {counts['changed']} gewijzigd, {counts['unchanged']} ongewijzigd, "
            f"{counts['refused']} geweigerd, {counts['missing']} niet meer in het bestand"
        )
        if report["new_groups"]:
            self.stdout.write("Nieuwe groepen: " + ", ".join(report["new_groups"]))
        for line in report["lines"]:
            if line["kind"] == "refused":
                reasons = "; ".join(f"{field}: {reason}" for field, reason in line["reasons"])
                self.stdout.write(f"  regel {line['line']}: geweigerd – {reasons}")
            elif line["status"] == "failed":
                self.stdout.write(f"  regel {line['line']}: niet ingelezen (fout in de batch)")
        for pupil in report["missing"]:
            self.stdout.write(f"  niet meer in het bestand: {pupil['name']} ({pupil['group'] or 'niet ingedeeld'})")
