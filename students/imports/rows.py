"""Checking one row of an import: each field cleaned as the add pop-up would, known spreadsheet damage repaired
(and said so), and every problem named with its field and a Dutch reason that never repeats a BSN.

The BSN stays in memory as the normalised number; what leaves this module for a report is the line, the field,
the reason and the repairs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from accounts.bsn_like import mask_bsn_like
from accounts.models import phone_validator

from .. import bsn as bsn_crypto
from ..models import Geslacht, Pupil, normalise_postcode, validate_birth_date, validate_postcode
from .mapping import FIELDS

# Excel counts days from 30-12-1899; a pupil's birth date lies between these serial numbers (1927 … 2064).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIALS = range(10_000, 60_000)
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")
GESLACHT = {
    "m": Geslacht.MAN, "man": Geslacht.MAN, "jongen": Geslacht.MAN, "1": Geslacht.MAN, "mannelijk": Geslacht.MAN,
    "v": Geslacht.VROUW, "vrouw": Geslacht.VROUW, "meisje": Geslacht.VROUW, "2": Geslacht.VROUW, "f": Geslacht.VROUW,
    "vrouwelijk": Geslacht.VROUW, "x": Geslacht.ANDERS, "o": Geslacht.ANDERS, "onbekend": Geslacht.ANDERS,
    "anders": Geslacht.ANDERS, "0": Geslacht.ANDERS, "9": Geslacht.ANDERS, "n": Geslacht.ANDERS,
}  # fmt: skip
HOUSE_NUMBER = re.compile(r"^(\d{1,6})\s*[-/ ]?\s*([A-Za-z0-9]{1,10})?$")
# A new pupil needs what the add pop-up asks (all but tussenvoegsel and toevoeging).
REQUIRED_FOR_NEW = ("voornaam", "achternaam", "geboortedatum", "geslacht", "email", "telefoon", "straat",
                    "huisnummer", "postcode", "woonplaats")  # fmt: skip
_MAX_LENGTH = {f.name: f.max_length for f in Pupil._meta.fields if getattr(f, "max_length", None)}
_MAX_LENGTH["group"] = 60
_email = EmailValidator()


def label(name: str) -> str:
    return str(FIELDS.get(name, name))


@dataclass
class CheckedRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)  # cleaned; absent = column not mapped or cell empty
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)
    repairs: list[tuple[str, str]] = field(default_factory=list)  # (field, what was repaired)

    @property
    def name(self) -> str:
        parts = (self.values.get("voornaam"), self.values.get("tussenvoegsel"), self.values.get("achternaam"))
        return " ".join(p for p in parts if p)

    def refuse(self, name: str, reason: str) -> None:
        self.errors.append((name, reason))


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _shown(value: str) -> str:
    """A cell repeated in a reason: short, and never a number that could be a BSN."""
    text = mask_bsn_like(value)
    return text if len(text) <= 40 else text[:37] + "…"


# --- one cleaner per field: (value, row) → cleaned value; raise _Refused with the reason ---------------------
def _bsn(value: str, row: CheckedRow) -> str:
    digits = re.sub(r"[\s.\-]", "", value)
    if digits.isdigit() and len(digits) == 8:
        row.repairs.append(("bsn", _("BSN had 8 cijfers (Excel liet de voorloopnul weg): de 0 is teruggezet.")))
    try:
        return bsn_crypto.validate(digits)
    except ValidationError as exc:
        raise _Refused(exc.messages[0]) from None


def _date(value: str, row: CheckedRow) -> datetime.date:
    text = value.strip()
    day: datetime.date | None = None
    if text.isdigit() and len(text) == 5 and int(text) in EXCEL_SERIALS:
        day = EXCEL_EPOCH + datetime.timedelta(days=int(text))
        row.repairs.append(
            ("geboortedatum", _("Datum stond als Excel-getal %(number)s: gelezen als %(date)s.")
             % {"number": text, "date": day.strftime("%d-%m-%Y")})
        )  # fmt: skip
    else:
        for fmt in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            raise _Refused(
                _("“%(value)s” is geen datum; schrijf dd-mm-jjjj, bijv. 14-03-2010.") % {"value": _shown(text)}
            )
    assert day is not None
    try:
        validate_birth_date(day)
    except ValidationError as exc:
        raise _Refused(exc.messages[0]) from None
    return day


def _postcode(value: str, row: CheckedRow) -> str:
    cleaned = normalise_postcode(value)
    try:
        validate_postcode(cleaned)
    except ValidationError:
        raise _Refused(
            _("“%(value)s” is geen postcode: 4 cijfers en 2 letters, bijv. 2512 AB.") % {"value": _shown(value)}
        ) from None
    if cleaned != value.strip():
        row.repairs.append(
            ("postcode", _("Postcode “%(old)s” geschreven als %(new)s.") % {"old": value, "new": cleaned})
        )
    return cleaned


def _house_number(value: str, row: CheckedRow) -> int:
    match = HOUSE_NUMBER.match(value.strip())
    if not match or int(match.group(1)) < 1:
        raise _Refused(_("“%(value)s” is geen huisnummer.") % {"value": _shown(value)})
    if match.group(2):
        if row.values.get("toevoeging"):
            raise _Refused(_("Het huisnummer bevat een toevoeging, en de kolom toevoeging ook."))
        row.values["toevoeging"] = match.group(2)
        row.repairs.append(
            ("huisnummer", _("Toevoeging “%(suffix)s” uit het huisnummer gehaald.") % {"suffix": match.group(2)})
        )
    return int(match.group(1))


def _geslacht(value: str, row: CheckedRow) -> str:
    found = GESLACHT.get(value.strip().lower())
    if found is None:
        raise _Refused(_("“%(value)s” is geen geslacht: gebruik M, V of X.") % {"value": _shown(value)})
    return str(found)


def _email_address(value: str, row: CheckedRow) -> str:
    text = value.strip()
    try:
        _email(text)
    except ValidationError:
        raise _Refused(_("Dit is geen geldig e-mailadres.")) from None
    return text


def _phone(value: str, row: CheckedRow) -> str:
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if text.isdigit() and len(text) == 9 and text.startswith("6"):
        text = "0" + text
        row.repairs.append(("telefoon", _("Mobiel nummer had 9 cijfers (Excel liet de 0 weg): de 0 is teruggezet.")))
    elif not re.match(phone_validator.regex, text) or len(digits) < 10:
        # Never repeated: 9 digits in the wrong column could be a BSN.
        raise _Refused(_("Dit is geen telefoonnummer van 10 cijfers, bijv. 070-1234567 of 06-12345678."))
    return text


def _text(name: str):
    def clean(value: str, row: CheckedRow) -> str:
        text = " ".join(value.split())
        limit = _MAX_LENGTH.get(name)
        if limit and len(text) > limit:
            raise _Refused(_("Langer dan %(max)s tekens.") % {"max": limit})
        return text

    return clean


CLEANERS = {
    "bsn": _bsn,
    "geboortedatum": _date,
    "postcode": _postcode,
    "huisnummer": _house_number,
    "geslacht": _geslacht,
    "email": _email_address,
    "telefoon": _phone,
}
# Toevoeging first: a house number "12a" moves its letter there, unless the file has one.
ORDER = ("toevoeging", *[name for name in FIELDS if name != "toevoeging"])


def check_row(line: int, cells: list[str], mapping: dict[str, str]) -> CheckedRow:
    """Clean the mapped cells of one row; refusals are collected per field, not stopped at the first."""
    row = CheckedRow(line)
    raw = {name: cells[int(index)] if int(index) < len(cells) else "" for index, name in mapping.items()}
    for name in ORDER:
        value = (raw.get(name) or "").strip()
        if not value:
            continue
        if "\x00" in value:
            row.refuse(name, _("Bevat een onzichtbaar NUL-teken."))
            continue
        try:
            row.values[name] = CLEANERS.get(name, _text(name))(value, row)
        except _Refused as refused:
            row.refuse(name, refused.reason)
    for name in ("voornaam", "achternaam"):
        if name in mapping.values() and not row.values.get(name) and not any(f == name for f, _r in row.errors):
            row.refuse(name, _("Verplicht veld is leeg."))
    if not row.values.get("leerlingnummer") and not row.values.get("bsn") and not row.errors:
        row.refuse("leerlingnummer", _("Geen leerlingnummer en geen BSN: VOROC kan de leerling niet herkennen."))
    return row


def missing_for_new(row: CheckedRow) -> list[str]:
    return [name for name in REQUIRED_FOR_NEW if name not in row.values]
