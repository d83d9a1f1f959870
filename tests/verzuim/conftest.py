import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstroom.pdfgen import simple_pdf
from tests.gemeente.conftest import DELFT, DEN_HAAG, group, orgs, resident  # noqa: F401  (fixtures)
from verzuim.models import Locatie, Melder

__all__ = ["DELFT", "DEN_HAAG"]


@pytest.fixture
def locatie(orgs):  # noqa: F811
    return Locatie.objects.create(school=orgs["00AA"], name="Hoofdgebouw")


@pytest.fixture
def melder(orgs):  # noqa: F811
    return Melder.objects.create(school=orgs["00AA"], name="Karin Mulder", functie="verzuimcoördinator")


@pytest.fixture
def data(locatie):
    """What the form gives for a complete melding: 16 uur in 4 weken, with its end."""
    return {
        "soort": "16uur",
        "reden": "spijbelen",
        "begin": datetime.date(2026, 11, 2),
        "eind": datetime.date(2026, 11, 27),
        "alle_lessen_gemist": True,
        "toelichting": "",
        "actie_gewenst": True,
        "toelichting_actie": "Graag een gesprek met de ouders.",
        "locatie": locatie,
        "melder": None,
        "melder_naam": "Mohamed el Amrani",
        "melder_functie": "decaan",
        "leerlingnummer": "45872",
    }


def pdf(name: str = "overzicht.pdf", text: str = "Verzuimoverzicht") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf([text]), "application/pdf")


def posted(data: dict) -> dict:
    """The same as the browser posts it."""
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "ja" if value else "nee"
        elif isinstance(value, datetime.date):
            out[key] = value.isoformat()
        elif hasattr(value, "pk"):
            out[key] = value.pk
        else:
            out[key] = value
    return out
