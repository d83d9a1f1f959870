"""Read-only fields of the form that come from the pupil record ("Leerlinggegevens", the aanmeldingen).

A declaration names a source (``"source": "pupil.naam"``); the value is read from VOROC's own data when a
form is shown, and frozen into the snapshot when the form is sent, so the mbo keeps what it received.
Never the BSN: there is no source for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.formats import date_format

from students.models import Aanmelding, Pupil
from students.schoolyear import label as year_label


def _aanmeldingen(pupil: Pupil, *, mbo_school_id: int | None = None) -> list[str]:
    lines = []
    aanmeldingen: Iterable[Aanmelding]
    prefetched = getattr(pupil, "_prefetched_objects_cache", {}).get("aanmeldingen")
    if prefetched is not None:  # many pupils at once (the load generator): filtered here, no query per pupil
        aanmeldingen = [
            a for a in prefetched if a.school_year == pupil.school_year and mbo_school_id in (None, a.mbo_school_id)
        ]
    else:
        queryset = pupil.aanmeldingen.select_related("opleiding", "mbo_school").filter(school_year=pupil.school_year)
        if mbo_school_id is not None:
            queryset = queryset.filter(mbo_school_id=mbo_school_id)
        aanmeldingen = queryset
    for aanmelding in aanmeldingen:
        o = aanmelding.opleiding
        lines.append(
            f"{o.name} – niveau {o.niveau} {o.leerweg}, crebo {o.crebo} – {aanmelding.mbo_school.name} "
            f"({aanmelding.get_status_display().lower()})"
        )
    return lines


def _address(pupil: Pupil) -> str:
    number = f"{pupil.huisnummer}{(' ' + pupil.toevoeging) if pupil.toevoeging else ''}"
    return f"{pupil.straat} {number}"


# source → how to read it from a pupil. Values are text, an ISO date, or a list of lines (JSON for the snapshot).
SOURCES: dict[str, Callable[[Pupil], Any]] = {
    "pupil.naam": lambda p: p.full_name,
    "pupil.geboortedatum": lambda p: p.geboortedatum.isoformat(),
    "pupil.geslacht": lambda p: str(p.get_geslacht_display()),
    "pupil.adres": _address,
    "pupil.postcode_woonplaats": lambda p: f"{p.postcode} {p.woonplaats}",
    "pupil.telefoon": lambda p: p.telefoon,
    "pupil.email": lambda p: p.email,
    "pupil.groep": lambda p: getattr(p.group, "name", None) or "niet ingedeeld",  # groups.Group, a lazy relation
    "pupil.schooljaar": lambda p: year_label(p.school_year),
    "school.naam": lambda p: p.school.name,
    "school.brin": lambda p: p.school.code,
    "aanmeldingen": _aanmeldingen,
}
DATE_SOURCES = frozenset({"pupil.geboortedatum"})


def read_record(pupil: Pupil, sources: set[str]) -> dict[str, Any]:
    """The values of ``sources`` for ``pupil`` (one query for the aanmeldingen unless they were prefetched with their
    opleiding and mbo-school, none for the rest)."""
    return {source: SOURCES[source](pupil) for source in sorted(sources)}


def as_the_mbo_reads_it(pupil: Pupil, record: dict[str, Any], mbo_school_id: int) -> dict[str, Any]:
    """An mbo-school reads the pupil's aanmeldingen at that school only (now: also one that came after the form
    was sent), never where else the pupil applied or how that went."""
    if "aanmeldingen" not in record:
        return record
    return {**record, "aanmeldingen": _aanmeldingen(pupil, mbo_school_id=mbo_school_id)}


def display(source: str, value: Any) -> str | list[str]:
    if value in (None, "", []):
        return ""
    if source in DATE_SOURCES:
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    return value
