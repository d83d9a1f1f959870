"""The import's report as Excel (through the exporter base), and the background runner for a large file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from audit.services import PupilRef

from ..exports import Exporter, Progress
from ..models import PupilImport

BACKGROUND_KIND = "leerlingimport"


def kind_text(kind: str) -> str:
    return str(
        {
            "new": _("nieuw"),
            "changed": _("gewijzigd"),
            "refused": _("geweigerd"),
            "missing": _("niet meer in het bestand"),
        }.get(kind, kind)
    )


def status_text(status: str) -> str:
    return str({"imported": _("ingelezen"), "failed": _("niet ingelezen (fout in de batch)")}.get(status, ""))


class ImportReportExporter(Exporter):
    """One row per line that is new, changed or refused, then the pupils missing from the file. No BSN."""

    def __init__(self, imp: PupilImport):
        self.imp = imp
        self.report = imp.report
        self.title = _("Leerlingimport")

    def header_lines(self) -> list[str]:
        counts = self.report.get("counts", {})
        return [
            _("Leerlingimport %(file)s – %(school)s") % {"file": self.report.get("filename", ""), "school": self.imp.school.name},
            _("%(new)s nieuw, %(changed)s gewijzigd, %(unchanged)s ongewijzigd, %(refused)s geweigerd, "
              "%(missing)s niet meer in het bestand") % {k: counts.get(k, 0) for k in ("new", "changed", "unchanged", "refused", "missing")},
        ]  # fmt: skip

    def columns(self) -> list[str]:
        return [_("Regel"), _("Uitkomst"), _("Naam"), _("Groep"), _("Toelichting"), _("Reparaties"), _("Ingelezen")]

    def column_widths(self, columns: list[str]) -> list[float]:
        return [8, 22, 30, 12, 70, 50, 24]

    def row_count(self) -> int:
        return len(self.report.get("lines", [])) + len(self.report.get("missing", []))

    def iterate_rows(self) -> Iterator[list[Any]]:
        for line in self.report.get("lines", []):
            if line["kind"] == "refused":
                detail = "; ".join(f"{field}: {reason}" for field, reason in line["reasons"])
            else:
                detail = "; ".join(f"{field}: {old} → {new}" for field, old, new in line["changes"])
            repairs = "; ".join(f"{field}: {text}" for field, text in line["repairs"])
            yield [line["line"], kind_text(line["kind"]), line["name"], line["group"], detail, repairs,
                   status_text(line["status"])]  # fmt: skip
        for pupil in self.report.get("missing", []):
            yield [None, kind_text("missing"), pupil["name"], pupil["group"],
                   _("Staat in VOROC in dit schooljaar, maar niet in het bestand: controleer deze leerling."), "", ""]  # fmt: skip

    def pupils(self) -> list:
        ids = {line["pupil"] for line in self.report.get("lines", []) if line.get("pupil")}
        ids |= {pupil["pupil"] for pupil in self.report.get("missing", [])}
        return [PupilRef(pk, self.imp.school_id) for pk in sorted(ids)]


def run_in_background(job, progress: Progress) -> tuple[str, bytes, list]:
    """ExportJob runner: carry out the import of ``job.params["import"]``; the job's file is the report."""
    import io

    from audit.context import acting_as

    from .services import run_import

    imp = PupilImport.objects.select_related("school", "user").get(pk=job.params["import"], user=job.user)
    with acting_as("", screen="students:import_controle", user=job.user):
        run_import(imp, progress=progress)
    imp.refresh_from_db()
    exporter = ImportReportExporter(imp)
    out = io.BytesIO()
    exporter.write_xlsx(out)
    return exporter.filename("xlsx"), out.getvalue(), exporter.pupils()
