"""The monthly report "zonder startkwalificatie / zonder schoolbestemming" of a gemeente (Leerplicht/RMC).

As DUO's maandrapportages do, VOROC makes it for the **peildatum, the first day of each month**, for every gemeente;
the task ``monitor.tasks.make_monthly_reports`` runs every morning and makes what is missing, so a missed first is
caught up the next day and nothing is made twice (one report per gemeente and peildatum). A report is removed, rows
and files, three months after its peildatum (retention category ``maandrapportages``, monitor/privacy.py).

**Whose pupils.** The pupils who live in the gemeente (the four digits of their postcode in its postcode areas):
the one access rule's gemeente scope, ``students.selectors.living_in``, as ``pupils_visible_to`` applies it to a
gemeente user. The task has no user, so it calls that same function with the gemeente.

**Which school year.** On peildatum P, the pupils of the school year that contains P (``school_year_of``: a school
year runs from 1 August). From **August to October** also the pupils of the school year before (Oud leerlingen):
in the autumn Leerplicht/RMC looks for last year's leavers who did not find a place, and the new school year's
pupils are only just starting. From November the report holds this school year's pupils only. Every row says its
school year.

**Who is on it.** A pupil who matches at least one of the gemeente's own signals (gemeente/listing.py ``SIGNALS``):

* *zonder startkwalificatie* — ``geen_diploma``: the school recorded that the pupil did not obtain the vmbo-diploma
  (a result not yet known does not count);
* *zonder schoolbestemming* — ``zonder_bestemming``: no definitieve keuze at an mbo-school and no destination
  recorded under Elders.

Per pupil: name, geboortedatum, postcode, school, groep, school year, which of the two (or both), the expected
destination and the status of the last aanmelding. Never a BSN. The files (Excel and PDF) are written by the
exporter base (students/exports.py) and kept in the media store, as the background exports are. They show the
state at the moment they were made (on or just after the peildatum).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import Organisation, OrganisationKind
from audit.context import acting_as
from audit.models import Action
from audit.services import record_pupils
from gemeente.listing import SIGNALS, annotate_signals
from students.destination import aanmeldingen_of, expected_destination, with_applications
from students.exports import Exporter, render_export
from students.models import Aanmelding, Pupil
from students.schoolyear import label, school_year_of
from students.selectors import living_in
from students.text import file_slug

from .models import MonthlyReport

logger = logging.getLogger(__name__)

AUTUMN_MONTHS = (8, 9, 10)  # August to October: last school year's pupils are on the report too
GEEN_DIPLOMA = SIGNALS["geen_diploma"][1]
ZONDER_BESTEMMING = SIGNALS["zonder_bestemming"][1]
DEFINITIONS = [
    (
        gettext_lazy("Zonder startkwalificatie"),
        gettext_lazy("de school heeft vastgelegd dat de leerling het vmbo-diploma niet heeft behaald"),
    ),
    (
        gettext_lazy("Zonder schoolbestemming"),
        gettext_lazy("geen definitieve keuze bij een mbo-school en geen bestemming onder Elders"),
    ),
]


def peildatum_of(day: datetime.date) -> datetime.date:
    """The peildatum of the month ``day`` lies in: its first day."""
    return day.replace(day=1)


def school_years(peildatum: datetime.date) -> list[int]:
    """The school years on the report of ``peildatum``, newest first (see the module's docstring)."""
    year = school_year_of(peildatum)
    return [year, year - 1] if peildatum.month in AUTUMN_MONTHS else [year]


def matching_pupils(gemeente_id: int, peildatum: datetime.date) -> QuerySet[Any]:
    """The gemeente's residents of the report's school years who match a signal, each flagged with which."""
    residents = living_in(Pupil.objects.filter(school_year__in=school_years(peildatum)), gemeente_id)
    return (
        annotate_signals(residents, gemeente_id)
        .filter(GEEN_DIPLOMA | ZONDER_BESTEMMING)
        .annotate(
            is_geen_diploma=ExpressionWrapper(GEEN_DIPLOMA, output_field=BooleanField()),
            is_zonder_bestemming=ExpressionWrapper(ZONDER_BESTEMMING, output_field=BooleanField()),
        )
    )


@dataclass(frozen=True)
class ReportRow:
    pupil: Pupil
    geen_diploma: bool
    zonder_bestemming: bool
    destination: str
    last_status: str

    @property
    def reason(self) -> str:
        if self.geen_diploma and self.zonder_bestemming:
            return _("beide")
        return _("zonder startkwalificatie") if self.geen_diploma else _("zonder schoolbestemming")


def _last_status(aanmeldingen: list[Aanmelding]) -> str:
    if not aanmeldingen:
        return ""
    last = max(aanmeldingen, key=lambda a: (a.status_at, a.pk))
    return _("%(status)s (%(opleiding)s, %(school)s, %(date)s)") % {
        "status": last.get_status_display(),
        "opleiding": last.opleiding.name,
        "school": last.mbo_school.name,
        "date": f"{timezone.localtime(last.status_at):%d-%m-%Y}",
    }


def report_rows(gemeente_id: int, peildatum: datetime.date) -> list[ReportRow]:
    """The report's rows, last school year's leavers after this year's, by name (a fixed few queries)."""
    pupils: QuerySet[Any] = (
        with_applications(matching_pupils(gemeente_id, peildatum))
        .select_related("school", "group")
        .order_by("-school_year", "sort_achternaam", "sort_voornaam", "pk")
    )
    return [
        ReportRow(
            pupil=pupil,
            geen_diploma=bool(pupil.is_geen_diploma),  # SQL: NULL where the diploma is not known yet
            zonder_bestemming=bool(pupil.is_zonder_bestemming),
            destination=expected_destination(pupil).text,
            last_status=_last_status(aanmeldingen_of(pupil)),
        )
        for pupil in pupils
    ]


class MonthlyReportExporter(Exporter):
    """One row per pupil on the report, through the exporter base (Excel and PDF); no BSN is a column."""

    pdf_template = "monitor/report_pdf.html"

    def __init__(self, gemeente: Organisation, peildatum: datetime.date, rows: list[ReportRow]):
        self.gemeente = gemeente
        self.peildatum = peildatum
        self.rows = rows
        self.title = _("Maandrapportage")  # the sheet's name (31 characters at most); the header says the rest

    @property
    def geen_diploma_count(self) -> int:
        return sum(1 for row in self.rows if row.geen_diploma)

    @property
    def zonder_bestemming_count(self) -> int:
        return sum(1 for row in self.rows if row.zonder_bestemming)

    def row_count(self) -> int:
        return len(self.rows)

    def pupils(self) -> list:
        return [row.pupil for row in self.rows]

    def filename(self, extension: str) -> str:
        return f"maandrapportage-{file_slug(self.gemeente.name)}-{self.peildatum:%Y-%m-%d}.{extension}"

    def years_text(self) -> str:
        years = school_years(self.peildatum)
        text = _("schooljaar %(year)s") % {"year": label(years[0])}
        if len(years) > 1:
            text += " " + _("en oud leerlingen van %(year)s") % {"year": label(years[1])}
        return text

    def header_lines(self) -> list[str]:
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [
            _("Maandrapportage zonder startkwalificatie / zonder schoolbestemming – %(gemeente)s")
            % {"gemeente": self.gemeente.name},
            _("Peildatum %(peildatum)s · %(years)s · gemaakt op %(when)s")
            % {"peildatum": f"{self.peildatum:%d-%m-%Y}", "years": self.years_text(), "when": when},
            *(f"{name}: {text}." for name, text in DEFINITIONS),
            _("%(total)s leerlingen: %(geen_diploma)s zonder startkwalificatie, %(zonder)s zonder schoolbestemming")
            % {
                "total": len(self.rows),
                "geen_diploma": self.geen_diploma_count,
                "zonder": self.zonder_bestemming_count,
            },
        ]

    def columns(self) -> list[str]:
        return [
            _("Achternaam"),
            _("Tussenvoegsel"),
            _("Voornaam"),
            _("Geboortedatum"),
            _("Postcode"),
            _("School"),
            _("Groep"),
            _("Schooljaar"),
            _("Zonder startkwalificatie"),
            _("Zonder schoolbestemming"),
            _("Verwachte bestemming"),
            _("Laatste aanmelding"),
        ]

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("Verwachte bestemming"), _("Laatste aanmelding"), _("School")}
        return [45.0 if c in wide else max(12.0, len(c) + 2.0) for c in columns]

    def iterate_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            pupil = row.pupil
            yield [
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                pupil.geboortedatum,
                pupil.postcode,
                pupil.school.name,
                pupil.group.name if pupil.group else "",
                label(pupil.school_year),
                _("ja") if row.geen_diploma else "",
                _("ja") if row.zonder_bestemming else "",
                row.destination,
                row.last_status,
            ]

    def pdf_context(self, progress) -> dict:
        return {
            "title": self.title,
            "header_lines": self.header_lines(),
            "gemeente": self.gemeente.name,
            "peildatum": self.peildatum,
            "years": self.years_text(),
            "definitions": DEFINITIONS,
            "rows": self.rows,
            "geen_diploma_count": self.geen_diploma_count,
            "zonder_bestemming_count": self.zonder_bestemming_count,
            "made_at": timezone.localtime(),
        }


def _write_files(report: MonthlyReport, exporter: MonthlyReportExporter) -> None:
    """Render both files and put them in the media store (the report is saved by the caller)."""
    report.excel.save(exporter.filename("xlsx"), ContentFile(render_export(exporter, "xlsx")), save=False)
    report.pdf.save(exporter.filename("pdf"), ContentFile(render_export(exporter, "pdf")), save=False)
    report.zonder_startkwalificatie = exporter.geen_diploma_count
    report.zonder_bestemming = exporter.zonder_bestemming_count
    report.pupils_in_file = [[pupil.pk, pupil.school_id] for pupil in exporter.pupils()]


def delete_files(report: MonthlyReport) -> None:
    for field in (report.excel, report.pdf):
        if field:
            field.delete(save=False)


def make_report(*, gemeente: Organisation, peildatum: datetime.date) -> MonthlyReport | None:
    """The gemeente's report of ``peildatum``, made and stored; None when it exists already (made twice: never)."""
    if peildatum.day != 1:
        raise ValueError("a peildatum is the first day of a month")
    if MonthlyReport.objects.filter(gemeente=gemeente, peildatum=peildatum).exists():
        return None
    with override("nl"):  # the report is Dutch, whatever language the worker runs in
        exporter = MonthlyReportExporter(gemeente, peildatum, report_rows(gemeente.pk, peildatum))
        report = MonthlyReport(gemeente=gemeente, peildatum=peildatum)
        _write_files(report, exporter)
    try:
        with transaction.atomic():
            report.full_clean()
            report.save()
            with acting_as("maandrapportage", screen="monitor:maak_rapportage"):
                record_pupils(
                    Action.EXPORT,
                    exporter.pupils(),
                    summary=f"maandrapportage {gemeente.name}, peildatum {peildatum:%d-%m-%Y}",
                )
    except Exception:
        delete_files(report)  # made at the same moment by another worker, or failed: no file stays behind
        if MonthlyReport.objects.filter(gemeente=gemeente, peildatum=peildatum).exists():
            return None
        raise
    return report


def make_missing_reports(peildatum: datetime.date) -> int:
    """Every gemeente's report of ``peildatum`` that does not exist yet; each gemeente on its own, so one that
    fails leaves the others made (and is tried again on the next run)."""
    made, failed = 0, []
    existing = MonthlyReport.objects.filter(peildatum=peildatum).values("gemeente_id")
    for gemeente in Organisation.objects.filter(kind=OrganisationKind.GEMEENTE).exclude(pk__in=existing):
        try:
            made += make_report(gemeente=gemeente, peildatum=peildatum) is not None
        except Exception:
            logger.exception("monthly report of gemeente %s for %s failed", gemeente.pk, peildatum)
            failed.append(gemeente.pk)
    if failed:
        raise RuntimeError(f"monthly reports failed for gemeenten {failed}")
    return made


def remake_without(report: MonthlyReport, pupil_id: int) -> None:
    """Take one pupil out of a report's files (a pupil removed completely): the files are written again from its
    remaining pupils' data of now; the peildatum and the time of making stay."""
    keep = {pk for pk, _school in report.pupils_in_file if pk != pupil_id}
    rows = [row for row in report_rows(report.gemeente_id, report.peildatum) if row.pupil.pk in keep]
    old = (report.excel.name, report.pdf.name)
    with override("nl"):
        _write_files(report, MonthlyReportExporter(report.gemeente, report.peildatum, rows))
    report.save(update_fields=["excel", "pdf", "zonder_startkwalificatie", "zonder_bestemming", "pupils_in_file"])
    storage = report.excel.storage
    for name in old:
        if name and name not in (report.excel.name, report.pdf.name):
            storage.delete(name)
