"""Exports: one small base that writes Excel, CSV and PDF from an exporter's rows; the overview exporter.

An exporter says what its columns are and yields its rows (``iterate_rows``); the base writes them.
No BSN is ever a column, and text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit.context import acting_as
from audit.models import Action
from audit.services import record_pupils

from .listing import PupilListing, Row
from .schoolyear import label
from .text import file_slug

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int, int], None]


def neutralise(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe, so no spreadsheet runs it (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Exporter:
    """Subclasses set ``title`` and implement ``columns``, ``iterate_rows`` and ``header_lines``."""

    title = ""
    pdf_template = "partials/export_table_pdf.html"  # the columns and rows as a table; an exporter may lay out its own

    def columns(self) -> list[str]:
        raise NotImplementedError

    def iterate_rows(self) -> Iterator[list[Any]]:
        raise NotImplementedError

    def header_lines(self) -> list[str]:
        return []

    def row_count(self) -> int:
        raise NotImplementedError

    def pupils(self) -> list:
        """The pupils whose data the export holds (for the audit log)."""
        return []

    def column_widths(self, columns: list[str]) -> list[float]:
        """Excel column widths (characters): by default wide enough for the column's name."""
        return [max(12.0, len(c) + 2.0) for c in columns]

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return f"{file_slug(self.title)}-{stamp}.{extension}"

    def _rows_with_progress(self, progress: Progress | None) -> Iterator[list[Any]]:
        total = self.row_count()
        for number, row in enumerate(self.iterate_rows(), start=1):
            yield row
            if progress and (number % 50 == 0 or number == total):
                progress(number, total)

    # --- writers -----------------------------------------------------------------------------------------
    def write_xlsx(self, out: io.BufferedIOBase | io.BytesIO, progress: Progress | None = None) -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.title[:31] or "VOROC")
        columns = self.columns()
        for number, width in enumerate(self.column_widths(columns), start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        header_row = len(self.header_lines()) + 2
        sheet.freeze_panes = f"A{header_row + 1}"  # the column names stay in view while scrolling
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row}"
        bold = Font(bold=True)
        for line in self.header_lines():
            cell = WriteOnlyCell(sheet, value=neutralise(line))
            cell.font = bold
            sheet.append([cell])
        sheet.append([])
        header_fill = PatternFill("solid", fgColor="DCE8EF")
        header = []
        for name in columns:
            cell = WriteOnlyCell(sheet, value=neutralise(name))
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in self._rows_with_progress(progress):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=neutralise(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even "=1+1"
                if isinstance(value, datetime.date):
                    cell.number_format = "DD-MM-YYYY"
                cells.append(cell)
            sheet.append(cells)
            count += 1
        workbook.save(out)
        return count

    def write_csv(self, out: io.StringIO, progress: Progress | None = None) -> int:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([neutralise(c) for c in self.columns()])
        count = 0
        for row in self._rows_with_progress(progress):
            writer.writerow([neutralise(v.strftime("%d-%m-%Y") if isinstance(v, datetime.date) else v) for v in row])
            count += 1
        return count

    def pdf_context(self, progress: Progress | None) -> dict:
        return {
            "title": self.title,
            "header_lines": self.header_lines(),
            "columns": self.columns(),
            "rows": list(self._rows_with_progress(progress)),
        }

    def write_pdf(self, out: io.BufferedIOBase | io.BytesIO, progress: Progress | None = None) -> int:
        from weasyprint import HTML  # imported here: loading Pango is only needed for a PDF

        context = self.pdf_context(progress)
        html = render_to_string(self.pdf_template, context)
        HTML(string=html).write_pdf(out)
        return len(context["rows"])


def diploma_text(value: bool | None) -> str:
    return {True: _("behaald"), False: _("niet behaald"), None: ""}[value]


class OverviewExporter(Exporter):
    """The overview (or Oud leerlingen) as chosen on screen: one row per pupil."""

    pdf_template = "students/export_pdf.html"

    def __init__(self, listing: PupilListing, *, former: bool = False):
        self.listing = listing
        self.former = former
        self.rows: list[Row] = listing.rows()
        self.slots = max([len(r.applications) for r in self.rows] + [1])
        self.title = _("Oud leerlingen") if former else _("Leerling overzicht")

    def row_count(self) -> int:
        return len(self.rows)

    def pupils(self) -> list:
        return [row.pupil for row in self.rows]

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("Verwachte bestemming"), _("Extra aandacht"), _("Doorstroomformulier")}
        long_text = (_("Opleiding %(n)s") % {"n": ""}, _("Statusverloop %(n)s") % {"n": ""})  # "Opleiding 1", …
        widths = []
        for name in columns:
            if name.startswith(long_text):
                widths.append(45.0)
            elif name in wide:
                widths.append(40.0)
            else:
                widths.append(max(13.0, len(name) + 2.0))
        return widths

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return f"{file_slug(self.title)}-{file_slug(self.listing.group_label)}-{stamp}.{extension}"

    def header_lines(self) -> list[str]:
        school = self.listing.user.organisation.name
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        lines = [
            f"{self.title} – {school}",
            _("Groep: %(group)s · schooljaar %(year)s · gemaakt op %(when)s")
            % {"group": self.listing.group_label, "year": label(self.listing.year), "when": when},
        ]
        if self.listing.query_is_bsn:
            lines.append(_("Zoekopdracht: een BSN"))
        elif self.listing.query:
            lines.append(_("Zoekopdracht: %(query)s") % {"query": self.listing.query})
        if self.listing.heading:
            lines.append(_("Verwachte bestemming: %(heading)s") % {"heading": self.listing.heading.label})
        if self.listing.form:
            lines.append(_("Doorstroomformulier: %(state)s") % {"state": self.listing.form_label})
        if self.listing.gemeente:
            lines.append(_("Gemeente: %(choice)s") % {"choice": self.listing.gemeente_label})
        return lines

    def columns(self) -> list[str]:
        columns = [
            _("Achternaam"),
            _("Tussenvoegsel"),
            _("Voornaam"),
            _("Leerlingnummer"),
            _("Groep"),
            _("Geboortedatum"),
        ]
        for n in range(1, self.slots + 1):
            columns += [
                _("Opleiding %(n)s") % {"n": n},
                _("Mbo-school %(n)s") % {"n": n},
                _("Status %(n)s") % {"n": n},
                _("Statusdatum %(n)s") % {"n": n},
                _("Statusverloop %(n)s") % {"n": n},
            ]
        columns += [
            _("Elders"),
            _("Elders datum"),
            _("vmbo-diploma"),
            _("Extra aandacht"),
            _("Verwachte bestemming"),
            _("Doorstroomformulier"),
            _("Zonder BSN"),
        ]
        return columns

    def iterate_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            pupil = row.pupil
            values: list[Any] = [
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                pupil.leerlingnummer,
                row.group_label,
                pupil.geboortedatum,
            ]
            for n in range(self.slots):
                if n < len(row.applications):
                    aanmelding, blocks = row.applications[n]
                    o = aanmelding.opleiding
                    values += [
                        _("%(name)s (niveau %(niveau)s %(leerweg)s, crebo %(crebo)s)")
                        % {"name": o.name, "niveau": o.niveau, "leerweg": o.leerweg, "crebo": o.crebo},
                        aanmelding.mbo_school.name,
                        aanmelding.get_status_display(),
                        timezone.localtime(aanmelding.status_at).date(),
                        "; ".join(
                            f"{int(b.status)} {b.status.label} {timezone.localtime(b.at):%d-%m-%Y}"
                            for b in blocks
                            if b.reached and b.at
                        ),
                    ]
                else:
                    values += ["", "", "", None, ""]
            values += [
                str(row.elders) if row.elders else "",
                row.elders.date if row.elders else None,
                diploma_text(pupil.diploma),
                pupil.extra_aandacht,
                row.destination.text,
                str(row.form.short) + (f" ({_('versie')} {row.form.version})" if row.form.correction else ""),
                _("ja") if not pupil.has_bsn else "",
            ]
            yield values

    def pdf_context(self, progress: Progress | None) -> dict:
        # The PDF shows the rows as on screen (status blocks), not the spreadsheet's flat columns.
        total = len(self.rows)
        if progress:
            progress(total, total)
        return {
            "title": self.title,
            "header_lines": self.header_lines(),
            "rows": self.rows,
            "school": self.listing.user.organisation.name,
            "printed_at": timezone.localtime(),
        }


# --- Running an export: at once for a short list, in the background for a long one -----------------------

# Above this many pupils an export runs as a task with a progress page (manage.py bench export_overview:
# Excel writes ~1000 pupils a second, a PDF ~40, so a direct download stays within about two seconds).
BACKGROUND_ROWS = {"xlsx": 300, "pdf": 80}
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def build_listing(user, params: dict[str, str]) -> PupilListing:
    """The overview (or, with ``oud=1``, Oud leerlingen) as chosen in ``params``."""
    from .schoolyear import current_school_year

    year = current_school_year() - (1 if params.get("oud") == "1" else 0)
    return PupilListing(user=user, year=year, params=params)


def build_exporter(user, params: dict[str, str]) -> OverviewExporter:
    return OverviewExporter(build_listing(user, params), former=params.get("oud") == "1")


def render_export(exporter: Exporter, fmt: str, progress: Progress | None = None) -> bytes:
    out = io.BytesIO()
    if fmt == "pdf":
        exporter.write_pdf(out, progress)
    else:
        exporter.write_xlsx(out, progress)
    return out.getvalue()


# A runner makes the file of one kind of job and records it in the audit log:
# runner(job, progress) → (filename, content, the pupils whose data the file holds).
Runner = Callable[[Any, Progress], tuple[str, bytes, list]]
_RUNNERS: dict[str, Runner] = {}


def register_runner(kind: str, runner: Runner) -> None:
    """Another app's background file (e.g. doorstroom's bundle of forms), made and kept like an export."""
    _RUNNERS[kind] = runner


def run_in_background(
    exporter: Exporter, job, progress: Progress, *, screen: str, what: str
) -> tuple[str, bytes, list]:
    """What every runner does with its exporter: the file in the job's format, recorded in the audit log as an
    export by the job's user on ``screen``. Returns (filename, content, the pupils in the file)."""
    fmt = job.params.get("formaat", "xlsx")
    content = render_export(exporter, fmt, progress)
    pupils = exporter.pupils()
    with acting_as("", screen=screen, user=job.user):
        record_pupils(Action.EXPORT, pupils, summary=f"{what} als {fmt} (op de achtergrond)")
    return exporter.filename(fmt), content, pupils


def _run_overview(job, progress: Progress) -> tuple[str, bytes, list]:
    exporter = build_exporter(job.user, job.params)
    return run_in_background(exporter, job, progress, screen="students:export", what="overzicht")


def run_job(job_id: int) -> None:
    """Make the file of an ExportJob, reporting progress; idempotent (a finished job is left alone)."""
    from django.core.files.base import ContentFile

    from .models import ExportJob

    job = ExportJob.objects.select_related("user", "user__organisation").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING)
    try:
        runner = _run_overview if job.kind == ExportJob.OVERVIEW else _RUNNERS[job.kind]

        def progress(done: int, total: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

        filename, content, pupils = runner(job, progress)
        job.filename = filename
        job.file.save(job.filename, ContentFile(content), save=False)
        job.state, job.finished_at = ExportJob.State.DONE, timezone.now()
        job.total = job.done = len(pupils)
        job.pupils_in_file = [[pupil.pk, pupil.school_id] for pupil in pupils]
        job.save(update_fields=["file", "filename", "state", "finished_at", "total", "done", "pupils_in_file"])
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        raise


def purge_expired_exports() -> int:
    from .models import ExportJob

    expired = list(ExportJob.objects.filter(expires_at__lte=timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
