"""Helpers shared by the students tests."""

from __future__ import annotations


def admin_pupil_data(*, school, voornaam: str, achternaam: str, **fields) -> dict:
    """What the servicedesk posts on admin's "Leerling toevoegen" page (no school links), with ``fields`` on top."""
    return {
        "school": school.pk,
        "school_year": 2026,
        "voornaam": voornaam,
        "achternaam": achternaam,
        "geboortedatum": "2010-01-01",
        "geslacht": "x",
        "email": f"{voornaam.lower()}@example.com",
        "telefoon": "0612345678",
        "straat": "Spui",
        "huisnummer": "70",
        "postcode": "2511 BT",
        "woonplaats": "Den Haag",
        "school_links-TOTAL_FORMS": "0",
        "school_links-INITIAL_FORMS": "0",
        **fields,
    }
