"""A list of the monitor as Excel or PDF, through the exporter base (students.exports); the header says which
list, for whom, which school year and when. No BSN, no care data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from students.exports import Exporter, Progress, diploma_text, run_in_background
from students.schoolyear import label
from students.text import file_slug

from .listing import MonitorList

KIND = "monitor"


class MonitorListExporter(Exporter):
    def __init__(self, listing: MonitorList):
        self.listing = listing
        self.rows = listing.all_rows()
        self.title = _("Monitor")

    def row_count(self) -> int:
        return len(self.rows)

    def pupils(self) -> list:
        return [row if self.listing.unit == "pupils" else row.pupil for row in self.rows]

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        what = file_slug(str(self.listing.figure.label))
        return f"monitor-{what}-{file_slug(self.listing.user.organisation.name)}-{stamp}.{extension}"

    def header_lines(self) -> list[str]:
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [
            f"{self.title}: {' · '.join(self.listing.describe())}",
            _("%(organisation)s · schooljaar %(year)s · %(count)s · gemaakt op %(when)s")
            % {
                "organisation": self.listing.user.organisation.name,
                "year": label(self.listing.scope.year),
                "count": len(self.rows),
                "when": when,
            },
        ]

    def columns(self) -> list[str]:
        pupil = [_("Achternaam"), _("Tussenvoegsel"), _("Voornaam"), _("Geboortedatum"), _("School"), _("Groep")]
        if self.listing.unit == "pupils":
            return [*pupil, _("Postcode"), _("vmbo-diploma"), _("Verwachte bestemming"), _("Aangemeld op")]
        return [*pupil, _("Opleiding"), _("Locatie"), _("Mbo-school"), _("Status"), _("Status sinds")]

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("School"), _("Opleiding"), _("Verwachte bestemming"), _("Mbo-school")}
        return [36.0 if c in wide else max(12.0, len(c) + 2.0) for c in columns]

    def iterate_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            pupil = row if self.listing.unit == "pupils" else row.pupil
            values: list[Any] = [
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                pupil.geboortedatum,
                pupil.school.name,
                pupil.group.name if pupil.group else "",
            ]
            if self.listing.unit == "pupils":
                values += [
                    pupil.postcode,
                    diploma_text(pupil.diploma),
                    str(self.listing.heading_label(row.heading)),
                    row.aangemeld_op,
                ]
            else:
                values += [
                    row.opleiding.name,
                    row.location.name if row.location else "",
                    row.mbo_school.name,
                    row.get_status_display(),
                    timezone.localtime(row.status_at).date(),
                ]
            yield values


def run_monitor_job(job, progress: Progress) -> tuple[str, bytes, list]:
    """A long list, made by the export task (registered in apps.py)."""
    exporter = MonitorListExporter(MonitorList(user=job.user, params=job.params))
    return run_in_background(exporter, job, progress, screen="monitor:export", what="monitor")
