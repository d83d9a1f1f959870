"""Leerlingen in de gemeente as Excel or PDF, through the exporter base (students.exports); no BSN, no care data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from students.exports import Exporter, Progress, diploma_text, run_in_background
from students.schoolyear import label
from students.text import file_slug

from .listing import ResidentListing, Row

KIND = "gemeente"


def _case_text(case) -> str:
    if case is None:
        return ""
    text = f"{case.get_status_display()} ({_('sinds')} {timezone.localtime(case.status_at):%d-%m-%Y})"
    if case.outcome:
        text += f": {case.get_outcome_display().lower()}"
    if case.outcome_note:
        text += f" – {case.outcome_note}"
    return text


class ResidentsExporter(Exporter):
    pdf_template = "gemeente/export_pdf.html"

    def __init__(self, listing: ResidentListing):
        self.listing = listing
        self.rows: list[Row] = listing.all_rows()
        self.slots = max([len(r.applications) for r in self.rows] + [1])
        self.title = _("Leerlingen in de gemeente")

    def row_count(self) -> int:
        return len(self.rows)

    def pupils(self) -> list:
        return [row.pupil for row in self.rows]

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return f"{file_slug(self.title)}-{file_slug(self.listing.user.organisation.name)}-{stamp}.{extension}"

    def header_lines(self) -> list[str]:
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [
            f"{self.title} – {self.listing.user.organisation.name}",
            _("Schooljaar %(year)s · %(choice)s · gemaakt op %(when)s")
            % {"year": label(self.listing.year), "choice": " · ".join(self.listing.describe()), "when": when},
        ]

    def columns(self) -> list[str]:
        columns = [
            _("Achternaam"),
            _("Tussenvoegsel"),
            _("Voornaam"),
            _("Geboortedatum"),
            _("Postcode"),
            _("School"),
            _("Groep"),
        ]
        for n in range(1, self.slots + 1):
            columns += [_("Opleiding %(n)s") % {"n": n}, _("Mbo-school %(n)s") % {"n": n}, _("Status %(n)s") % {"n": n}]
        columns += [
            _("Elders"),
            _("vmbo-diploma"),
            _("Verwachte bestemming"),
            _("Doorstroomformulier"),
            _("De Overstap"),
            _("Risicomelding"),
            _("Niet verschenen"),
            _("Gemeente-opmerkingen"),
        ]
        return columns

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("Verwachte bestemming"), _("Doorstroomformulier"), _("De Overstap"), _("Risicomelding")}
        return [40.0 if c in wide or c.startswith(_("Opleiding")) else max(12.0, len(c) + 2.0) for c in columns]

    def iterate_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            pupil = row.pupil
            values: list[Any] = [
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                pupil.geboortedatum,
                pupil.postcode,
                pupil.school.name,
                pupil.group.name if pupil.group else "",
            ]
            for n in range(self.slots):
                if n < len(row.applications):
                    aanmelding, _blocks = row.applications[n]
                    values += [aanmelding.opleiding.name, aanmelding.mbo_school.name, aanmelding.get_status_display()]
                else:
                    values += ["", "", ""]
            values += [
                str(row.elders) if row.elders else "",
                diploma_text(pupil.diploma),
                row.destination.text,
                str(row.form.short),
                _case_text(row.overstap),
                _case_text(row.risico),
                _case_text(row.niet_verschenen),
                row.remarks or "",
            ]
            yield values

    def pdf_context(self, progress: Progress | None) -> dict:
        total = len(self.rows)
        if progress:
            progress(total, total)
        return {
            "title": self.title,
            "header_lines": self.header_lines(),
            "rows": self.rows,
            "gemeente": self.listing.user.organisation.name,
        }


def run_residents_job(job, progress: Progress) -> tuple[str, bytes, list]:
    """A long list, made by the export task (registered in apps.py)."""
    exporter = ResidentsExporter(ResidentListing(user=job.user, params=job.params))
    return run_in_background(exporter, job, progress, screen="gemeente:export", what="leerlingen in de gemeente")


class CasesExporter(Exporter):
    """Overstap en risico as chosen on screen: one row per report, with its status and outcome (no contact notes)."""

    def __init__(self, cases: list, *, user, kind: str, status: str):
        self.cases = cases
        self.user = user
        self.kind = kind
        self.status = status
        self.title = _("Overstap en risico")

    def row_count(self) -> int:
        return len(self.cases)

    def pupils(self) -> list:
        return [case.pupil for case in self.cases]

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return f"{file_slug(self.title)}-{file_slug(self.user.organisation.name)}-{stamp}.{extension}"

    def header_lines(self) -> list[str]:
        from .models import CaseKind, CaseStatus

        kind = CaseKind(self.kind).label if self.kind else _("alle soorten")
        status = {"open": _("nog niet afgesloten"), "": _("alle statussen")}.get(self.status) or CaseStatus(
            self.status
        ).label
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [f"{self.title} – {self.user.organisation.name}", f"{kind} · {status} · {when}"]

    def columns(self) -> list[str]:
        return [
            _("Achternaam"),
            _("Tussenvoegsel"),
            _("Voornaam"),
            _("Geboortedatum"),
            _("School"),
            _("Groep"),
            _("Soort"),
            _("Reden"),
            _("Gemeld op"),
            _("Gemeld door"),
            _("Toelichting"),
            _("Status"),
            _("Status sinds"),
            _("Uitkomst"),
            _("Toelichting uitkomst"),
        ]

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("Toelichting"), _("Gemeld door"), _("School"), _("Soort")}
        return [36.0 if c in wide else max(12.0, len(c) + 2.0) for c in columns]

    def iterate_rows(self) -> Iterator[list[Any]]:
        for case in self.cases:
            pupil = case.pupil
            yield [
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                pupil.geboortedatum,
                pupil.school.name,
                pupil.group.name if pupil.group else "",
                case.get_kind_display(),
                case.get_reason_display(),
                timezone.localtime(case.reported_at).date(),
                f"{case.reported_by_name} ({case.reported_by_organisation.name})",
                case.remark,
                case.get_status_display(),
                timezone.localtime(case.status_at).date(),
                case.get_outcome_display(),
                case.outcome_note,
            ]
