"""Import an mbo-school's opleidingen from CSV (what schools export from their own systems).

Columns (header row, any order, ``;`` or ``,``): crebo, opleiding, niveau, leerweg, and optionally
locatie. A bad row is reported with its line number and reason (in Dutch, for the servicedesk); the good rows are
still imported. Existing opleidingen (same crebo and leerweg) are updated, never duplicated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Organisation

from .models import Leerweg, Location, Opleiding

REQUIRED = ("crebo", "opleiding", "niveau", "leerweg")
LOCATIE_MAX: int = Location._meta.get_field("name").max_length or 150


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.created} nieuw, {self.updated} bijgewerkt, {self.unchanged} ongewijzigd, "
            f"{len(self.rejected)} afgewezen"
        )
        return "\n".join([text, *(f"  regel {line}: {reason}" for line, reason in self.rejected)])


def _reader(content: bytes) -> csv.DictReader:
    text = content.decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _row_problem(row: dict[str, str]) -> str | None:
    """Why a row is refused before it reaches the model, or None."""
    if any("\x00" in value for value in row.values()):
        # Invisible, and not storable as text: the row is not guessed at.
        return "bevat een onzichtbaar NUL-teken (0x00)"
    if row["leerweg"].upper() not in Leerweg.values:
        return f"leerweg moet BOL of BBL zijn, niet “{row['leerweg']}”"
    if not (row["niveau"].isascii() and row["niveau"].isdigit()) or not 1 <= int(row["niveau"]) <= 4:
        return f"niveau moet 1, 2, 3 of 4 zijn, niet “{row['niveau']}”"
    if len(row.get("locatie", "")) > LOCATIE_MAX:
        return f"locatie is langer dan {LOCATIE_MAX} tekens"
    return None


@transaction.atomic
def import_opleidingen(*, school: Organisation, content: bytes) -> ImportReport:
    if school.kind != "mbo":
        raise ValidationError("Opleidingen kunnen alleen bij een mbo-school worden ingelezen.")
    try:
        reader = _reader(content)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "Het bestand is geen UTF-8-tekst; sla het op als “CSV UTF-8” en lees het opnieuw in."
        ) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(f"In de kopregel ontbreekt: {', '.join(missing)}.")
    report = ImportReport()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v if isinstance(v, str) else "").strip() for k, v in raw.items()}
        problem = _row_problem(row)
        if problem:
            report.rejected.append((line, problem))
            continue
        leerweg = row["leerweg"].upper()
        opleiding = Opleiding.objects.filter(school=school, crebo=row["crebo"], leerweg=leerweg).first()
        is_new = opleiding is None
        if opleiding is None:
            opleiding = Opleiding(school=school, crebo=row["crebo"], leerweg=leerweg)
        before = (opleiding.name, opleiding.niveau)
        opleiding.name, opleiding.niveau = row["opleiding"], int(row["niveau"])
        try:
            opleiding.full_clean()
        except ValidationError as exc:
            report.rejected.append((line, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())))
            continue
        opleiding.save()
        if row.get("locatie"):
            location, _ = Location.objects.get_or_create(school=school, name=row["locatie"])
            opleiding.locations.add(location)
        if is_new:
            report.created += 1
        elif before != (opleiding.name, opleiding.niveau):
            report.updated += 1
        else:
            report.unchanged += 1
    return report
