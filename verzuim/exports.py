"""Verzuim as files, without BSN: the list as Excel (the totaaloverzicht, with period, location and times) through
the exporter base, and one melding as a PDF (the digital archive)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from students.exports import Exporter
from students.text import file_slug

from .models import Soort, Status, VerzuimMelding


class VerzuimExporter(Exporter):
    def __init__(self, meldingen: list[VerzuimMelding], *, user, choice: dict[str, str]):
        self.meldingen = meldingen
        self.user = user
        self.choice = choice
        self.title = _("Verzuimmeldingen")

    def row_count(self) -> int:
        return len(self.meldingen)

    def pupils(self) -> list:
        return [m.pupil for m in self.meldingen]

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return f"{file_slug(self.title)}-{file_slug(self.user.organisation.name)}-{stamp}.{extension}"

    def header_lines(self) -> list[str]:
        parts = []
        if self.choice.get("status"):
            parts.append(_("status: %(s)s") % {"s": Status(self.choice["status"]).label})
        if self.choice.get("soort"):
            parts.append(_("soort: %(s)s") % {"s": Soort(self.choice["soort"]).label})
        if self.choice.get("van") or self.choice.get("tot"):
            parts.append(
                _("begin van %(van)s tot %(tot)s")
                % {"van": self.choice.get("van") or "…", "tot": self.choice.get("tot") or "…"}
            )
        when = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [
            f"{self.title} – {self.user.organisation.name}",
            (" · ".join(parts) or _("alle meldingen")) + " · " + _("gemaakt op %(when)s") % {"when": when},
        ]

    def columns(self) -> list[str]:
        return [
            _("Meldingsnummer"),
            _("Leerlingnummer"),
            _("Achternaam"),
            _("Tussenvoegsel"),
            _("Voornaam"),
            _("School"),
            _("Locatie"),
            _("Gemeente"),
            _("Soort"),
            _("Reden"),
            _("Begin verzuim"),
            _("Eind verzuim"),
            _("Alle lessen gemist"),
            _("Actie gewenst"),
            _("Melder"),
            _("Gemeld op"),
            _("Status"),
            _("Status sinds"),
        ]

    def column_widths(self, columns: list[str]) -> list[float]:
        wide = {_("Soort"), _("School"), _("Reden"), _("Melder")}
        return [34.0 if c in wide else max(12.0, len(c) + 2.0) for c in columns]

    def iterate_rows(self) -> Iterator[list[Any]]:
        for m in self.meldingen:
            pupil = m.pupil
            yield [
                m.meldingsnummer,
                m.leerlingnummer,
                pupil.achternaam,
                pupil.tussenvoegsel,
                pupil.voornaam,
                m.school.name,
                m.locatie.name,
                m.gemeente.name,
                m.get_soort_display(),
                m.get_reden_display(),
                m.begin,
                m.eind,
                _("ja") if m.alle_lessen_gemist else _("nee"),
                _("ja") if m.actie_gewenst else _("nee"),
                f"{m.melder_naam} ({m.melder_functie})" if m.melder_functie else m.melder_naam,
                timezone.localtime(m.created_at).strftime("%d-%m-%Y %H:%M"),
                m.get_status_display(),
                timezone.localtime(m.status_at).strftime("%d-%m-%Y %H:%M"),
            ]


class MeldingPdf:
    """One melding with its history, as the school's and the gemeente's digital archive."""

    def __init__(self, melding: VerzuimMelding):
        self.melding = melding

    def filename(self) -> str:
        return f"verzuimmelding-{self.melding.meldingsnummer}.pdf"

    def render(self) -> bytes:
        from weasyprint import HTML  # loading Pango only when a PDF is made

        html = render_to_string("verzuim/pdf.html", {"melding": self.melding, "printed_at": timezone.localtime()})
        return HTML(string=html).write_pdf()
