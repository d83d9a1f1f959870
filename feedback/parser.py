"""Read a batch (CSV or JSON, feedback-feed.md) into valid rows and rejected rows, line by line.

A file that cannot be read as a whole (empty, not UTF-8, no header, required columns missing, not JSON)
raises ``FileError`` with a Dutch reason. Otherwise every data line becomes either a ``FeedRow`` or a
``Rejection`` naming the line (as the sender counts: the header is line 1; in JSON the position in
``rows``), the ``aanmelding_id`` when it is readable, the field and the reason. No reason ever repeats a
BSN: values are only quoted when they cannot be one.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from students import bsn as bsn_crypto

from .models import Format
from .vocabulary import status_from

REQUIRED = ("aanmelding_id", "bsn", "crebo", "status", "status_datum")
OPTIONAL = ("opleiding", "niveau", "leerweg", "locatie", "cohort")
KNOWN = REQUIRED + OPTIONAL
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A date without a time stands for noon, as a date a school types (students.aanmeldingen) does.
NOON = datetime.time(12, 0)
MAX_LENGTHS = {"aanmelding_id": 64, "opleiding": 200, "locatie": 150}
_DIGIT_RUN = re.compile(r"[0-9]{7,}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")


class FileError(Exception):
    """The batch cannot be read at all; ``str()`` is the Dutch reason for the report."""


@dataclass(slots=True)
class FeedRow:
    """A valid row. ``bsn`` stays in memory only (sealed if the row has to wait); reports use ``line``."""

    line: int
    aanmelding_id: str
    bsn_index: str
    crebo: str
    status: int
    at: datetime.datetime
    opleiding: str = ""
    niveau: int | None = None
    leerweg: str = ""
    locatie: str = ""
    cohort: int | None = None
    bsn: str = field(default="", repr=False, compare=False)

    @property
    def sort_key(self) -> tuple:
        return SORT_KEY(self)


# All rows of one aanmelding together, oldest first; on the same moment the later line wins.
SORT_KEY = attrgetter("aanmelding_id", "at", "line")


@dataclass(slots=True)
class Rejection:
    line: int
    aanmelding_id: str
    field: str
    reason: str


@dataclass
class ParseResult:
    format: str
    rows: list[FeedRow]
    rejections: list[Rejection]

    @property
    def read(self) -> int:
        return len(self.rows) + len(self.rejections)


def looks_like_bsn(text: str) -> bool:
    return bsn_crypto.passes_elfproef(bsn_crypto.normalise(text))


def shown_id(aanmelding_id: str) -> str:
    """An ``aanmelding_id`` as a report may show it: one that could be a BSN is masked."""
    return bsn_crypto.MASK if looks_like_bsn(aanmelding_id) else aanmelding_id


scrub = bsn_crypto.mask_bsn_like


def _quoted(value: str) -> str:
    """A value for a reason, only when it cannot be a BSN, not even one written in groups or mistyped: short,
    without a long run of digits and with fewer than 9 digits in all."""
    if len(value) > 40 or _DIGIT_RUN.search(value) or sum(ch.isdigit() for ch in value) >= 9 or "\x00" in value:
        return ""
    return f" “{value}”"


def guess_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return Format.JSON
    if name.endswith((".csv", ".txt")):
        return Format.CSV
    return Format.JSON if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else Format.CSV


def parse(data: bytes, fmt: str, *, now: datetime.datetime | None = None) -> ParseResult:
    """``now`` is the moment of receipt: a date after it (by more than a day) is refused, the same way each run."""
    text = _decode(data)
    records = _json_records(text) if fmt == Format.JSON else _csv_records(text)
    return ParseResult(Format.JSON if fmt == Format.JSON else Format.CSV, *_split(records, now or timezone.now()))


def check_readable(data: bytes, fmt: str) -> None:
    """Raise FileError when the file as a whole cannot be read (what the API answers with 400)."""
    text = _decode(data)
    if fmt == Format.JSON:
        _json_rows(text)
    else:
        _csv_header(text)


# --- reading ------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if not data.strip(b" \t\r\n\x00").removeprefix(b"\xef\xbb\xbf").strip():
        raise FileError(_("Het bestand is leeg."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(
            _(
                "Het bestand is niet in UTF-8 opgeslagen: regel %(line)s bevat een teken dat geen UTF-8 is. "
                "Sla het bestand op als “CSV UTF-8” (of UTF-8-tekst) en stuur het opnieuw."
            )
            % {"line": line}
        ) from None


def _column(name: str) -> str:
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def _csv_header(text: str) -> tuple[str, list[str]]:
    # Lines end in \r\n (Windows), \n, or a lone \r (Excel for Mac's "CSV (Macintosh)").
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    if not first.strip():
        raise FileError(_("De eerste regel is leeg; daar hoort de kopregel met de kolomnamen te staan."))
    delimiter = ";" if ";" in first else ","
    try:
        header = [_column(h) for h in next(csv.reader([first], delimiter=delimiter, strict=True))]
    except csv.Error:
        raise FileError(_('De kopregel is niet te lezen: een aanhalingsteken (") wordt niet goed gesloten.')) from None
    doubles = sorted({h for h in header if h and header.count(h) > 1})
    if doubles:
        raise FileError(_("De kopregel noemt een kolom twee keer: %(columns)s.") % {"columns": ", ".join(doubles)})
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileError(
            _(
                "De kopregel mist de verplichte kolom(men) %(missing)s. De eerste regel moet de kolomnamen "
                "bevatten (%(required)s), gescheiden door ; of ,."
            )
            % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED)}
        )
    return delimiter, header


# A record as the checker reads it: the KNOWN fields in their order, "" for an empty or absent one.
Record = tuple[str, ...]


def _csv_records(text: str) -> Iterator[tuple[int, Record | Rejection]]:
    delimiter, header = _csv_header(text)
    width = len(header)
    # Where each known field stands in a line; an absent column reads the "" put after the line's last field.
    pick = itemgetter(*[header.index(name) if name in header else width for name in KNOWN])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    next(reader)
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            end = reader.line_num
            span = str(start) if end <= start else f"{start}–{end}"
            yield (
                start,
                Rejection(
                    start,
                    "",
                    "",
                    _(
                        'Regel %(span)s is niet te lezen: een aanhalingsteken (") wordt niet goed gesloten. Zet een '
                        "veld met ; of , erin tussen aanhalingstekens en verdubbel een aanhalingsteken in een veld."
                    )
                    % {"span": span},
                ),
            )
            previous_end = end
            continue
        previous_end = reader.line_num
        if not "".join(record).strip():
            continue  # an empty line (or only separators, as a spreadsheet leaves them): no data
        if len(record) > width and any(v.strip() for v in record[width:]):
            values = dict(zip(header, record, strict=False))
            yield (
                start,
                Rejection(
                    start,
                    _readable_id(values.get("aanmelding_id", "")),
                    "",
                    _(
                        "De regel heeft %(count)s velden, de kopregel %(width)s. Staat er een ; of , in een veld "
                        "zonder aanhalingstekens eromheen?"
                    )
                    % {"count": len(record), "width": width},
                ),
            )
            continue
        if len(record) != width:
            record = (record + [""] * width)[:width]  # a short line's missing fields are empty
        record.append("")
        yield start, pick(record)


def _json_rows(text: str) -> list:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(
            _("Het bestand is geen geldige JSON (fout op regel %(line)s, kolom %(column)s).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from None
    except RecursionError:  # lists or objects nested thousands deep: no delivery of the contract looks like that
        raise FileError(
            _("Het bestand is geen levering volgens de afspraken: de JSON is te diep genest om te lezen.")
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        raise FileError(_('Een JSON-levering is een object met een lijst "rows": {"rows": [{…}, …]}.'))
    return document["rows"]


def _json_records(text: str) -> Iterator[tuple[int, Record | Rejection]]:
    for number, item in enumerate(_json_rows(text), start=1):
        if not isinstance(item, dict):
            yield number, Rejection(number, "", "", _("Deze rij is geen object met velden."))
            continue
        values: dict[str, str] = {}
        wrong = []
        for key, value in item.items():
            name = _column(str(key))
            if name not in KNOWN:
                continue
            if value is None:
                values[name] = ""
            elif isinstance(value, str):
                values[name] = value
            elif isinstance(value, int) and not isinstance(value, bool):
                values[name] = str(value)
            elif isinstance(value, float) and value.is_integer():
                values[name] = str(int(value))
            else:
                wrong.append(name)
        if wrong:
            yield (
                number,
                Rejection(
                    number,
                    _readable_id(values.get("aanmelding_id", "")),
                    wrong[0],
                    "; ".join(_("%(field)s: verwacht tekst of een getal") % {"field": name} for name in wrong),
                ),
            )
            continue
        yield number, tuple(values.get(name, "") for name in KNOWN)


# --- checking -----------------------------------------------------------------------------------------


def _readable_id(value: str) -> str:
    value = value.replace("\x00", "").strip()
    return shown_id(value)[:64] if value else ""


def _split(
    records: Iterator[tuple[int, Record | Rejection]], now: datetime.datetime
) -> tuple[list[FeedRow], list[Rejection]]:
    rows: list[FeedRow] = []
    rejections: list[Rejection] = []
    check = _RowChecker(now).check
    keep, reject = rows.append, rejections.append
    for line, values in records:
        result = values if type(values) is Rejection else check(line, values)  # type: ignore[arg-type]
        if type(result) is FeedRow:
            keep(result)
        else:
            reject(result)  # type: ignore[arg-type]
    return rows, rejections


_UNSEEN: Any = object()


class _RowChecker:
    """Checks one row's fields.

    A day's file repeats the same few values many times (dates, statuses, crebos, opleidingen, locaties) and
    every BSN once or twice, so each distinct value is checked once per batch and the outcome kept: ``check``
    takes a row whose every field is fine from these caches; a row with any problem goes through
    ``check_fully``, which names every problem in the order of the fields.
    """

    def __init__(self, now: datetime.datetime) -> None:
        self._dates: dict[str, datetime.datetime | str] = {}
        self.latest = now + datetime.timedelta(days=1)
        self.earliest = datetime.datetime(2000, 1, 1, tzinfo=AMSTERDAM)
        self.year = timezone.localtime(now).year
        self.cohort_max = self.year + 3
        self._statuses: dict[str, int | None] = {}
        # Translated once, not per row.
        self.niveau_message = _("moet 1, 2, 3 of 4 zijn")
        # A NUL character (0x00) is invisible in an editor and cannot be stored as text.
        self.nul_message = _("bevat een onzichtbaar NUL-teken (0x00); haal het weg en stuur de regel opnieuw")
        self.cohort_message = _("moet een jaartal zijn, bijv. %(year)s") % {"year": self.year}
        # Per raw value as read (before stripping): what it stands for when it is valid, None when it is not.
        self._valid_bsns: dict[str, tuple[str, str] | None] = {}  # the BSN and its blind index
        self._valid_crebos: dict[str, str | None] = {}
        self._valid_statuses: dict[str, int | None] = {}
        self._valid_dates: dict[str, datetime.datetime | None] = {}
        self._valid_rest: dict[Record, tuple | None] = {}  # opleiding, niveau, leerweg, locatie, cohort
        self._index = bsn_crypto.blind_indexer()

    def check(self, line: int, values: Record) -> FeedRow | Rejection:
        raw_id, raw_bsn, raw_crebo, raw_status, raw_date = values[:5]
        aanmelding_id = raw_id.strip()
        bsn = self._valid_bsns.get(raw_bsn, _UNSEEN)
        if bsn is _UNSEEN:
            bsn = self._valid_bsns[raw_bsn] = self._bsn(raw_bsn)
        crebo = self._valid_crebos.get(raw_crebo, _UNSEEN)
        if crebo is _UNSEEN:
            crebo = self._valid_crebos[raw_crebo] = self._crebo(raw_crebo)
        status = self._valid_statuses.get(raw_status, _UNSEEN)
        if status is _UNSEEN:
            text = raw_status.strip()
            status = self._valid_statuses[raw_status] = self._status(text) if text else None
        at = self._valid_dates.get(raw_date, _UNSEEN)
        if at is _UNSEEN:
            text = raw_date.strip()
            moment = self._date(text) if text else None
            at = self._valid_dates[raw_date] = moment if isinstance(moment, datetime.datetime) else None
        rest_key = values[5:]
        rest = self._valid_rest.get(rest_key, _UNSEEN)
        if rest is _UNSEEN:
            rest = self._valid_rest[rest_key] = self._rest(rest_key)
        if (
            bsn is None
            or crebo is None
            or status is None
            or at is None
            or rest is None
            or not aanmelding_id
            or len(aanmelding_id) > 64
            or "\x00" in aanmelding_id
            or (aanmelding_id[:1].isdigit() and bsn_crypto.normalise(aanmelding_id) == bsn[0])
        ):
            return self.check_fully(line, values)
        opleiding, niveau, leerweg, locatie, cohort = rest
        return FeedRow(
            line, aanmelding_id, bsn[1], crebo, status, at, opleiding, niveau, leerweg, locatie, cohort, bsn[0]
        )

    def _bsn(self, raw: str) -> tuple[str, str] | None:
        raw = raw.strip()
        bsn = raw if len(raw) == 9 and raw.isdigit() else bsn_crypto.normalise(raw)
        if not raw or len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit() or not bsn_crypto.passes_elfproef(bsn):
            return None
        return bsn, self._index(bsn)

    @staticmethod
    def _crebo(raw: str) -> str | None:
        crebo = raw.strip()
        return crebo if len(crebo) == 5 and crebo.isascii() and crebo.isdigit() else None

    def _rest(self, values: Record) -> tuple | None:
        problems: list[tuple[str, str]] = []
        optional = self._optional(dict(zip(OPTIONAL, values, strict=True)).get, problems)
        return None if problems else optional

    def _optional(self, get, problems: list[tuple[str, str]]) -> tuple:
        opleiding = " ".join((get("opleiding") or "").split())
        locatie = " ".join((get("locatie") or "").split())
        for name, value in (("opleiding", opleiding), ("locatie", locatie)):
            if len(value) > MAX_LENGTHS[name]:
                problems.append((name, _("is langer dan %(max)s tekens") % {"max": MAX_LENGTHS[name]}))
            elif "\x00" in value:
                problems.append((name, self.nul_message))
        niveau = self._number(get("niveau"), 1, 4, "niveau", problems, self.niveau_message)
        leerweg = (get("leerweg") or "").strip().upper()
        if leerweg and leerweg not in ("BOL", "BBL"):
            problems.append(("leerweg", _("moet BOL of BBL zijn") + _quoted(leerweg)))
        cohort = self._number(get("cohort"), 2000, self.cohort_max, "cohort", problems, self.cohort_message)
        return opleiding, niveau, leerweg, locatie, cohort

    # A flat list of one check per column in the contract's order, run for every row of a feed: each branch is
    # one rule with its own message (tests/feedback/test_parser.py); helpers would only spread the list.
    def check_fully(self, line: int, values: Record) -> FeedRow | Rejection:  # noqa: C901
        get = dict(zip(KNOWN, values, strict=True)).get
        problems: list[tuple[str, str]] = []
        aanmelding_id = (get("aanmelding_id") or "").strip()
        raw_bsn = (get("bsn") or "").strip()
        crebo = (get("crebo") or "").strip()
        raw_status = (get("status") or "").strip()
        raw_date = (get("status_datum") or "").strip()

        if not aanmelding_id:
            problems.append(("aanmelding_id", _("ontbreekt")))
        elif len(aanmelding_id) > 64:
            problems.append(("aanmelding_id", _("is langer dan 64 tekens")))
        elif "\x00" in aanmelding_id:
            problems.append(("aanmelding_id", self.nul_message))
        bsn = raw_bsn if len(raw_bsn) == 9 and raw_bsn.isdigit() else bsn_crypto.normalise(raw_bsn)
        if not raw_bsn:
            problems.append(("bsn", _("ontbreekt")))
        elif len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit():
            problems.append(("bsn", _("moet 9 cijfers zijn")))
        elif not bsn_crypto.passes_elfproef(bsn):
            problems.append(("bsn", _("voldoet niet aan de elfproef")))
        elif aanmelding_id[:1].isdigit() and bsn_crypto.normalise(aanmelding_id) == bsn:
            problems.append(("aanmelding_id", _("is gelijk aan het BSN; gebruik het eigen nummer van de aanmelding")))
        if not crebo:
            problems.append(("crebo", _("ontbreekt")))
        elif len(crebo) != 5 or not crebo.isascii() or not crebo.isdigit():
            problems.append(("crebo", _("moet 5 cijfers zijn") + _quoted(crebo)))
        status = self._statuses.get(raw_status) if raw_status in self._statuses else self._status(raw_status)
        if not raw_status:
            problems.append(("status", _("ontbreekt")))
        elif status is None:
            problems.append(("status", _("onbekende status%(value)s") % {"value": _quoted(raw_status)}))
        at = self._date(raw_date) if raw_date else _("ontbreekt")
        if isinstance(at, str):
            problems.append(("status_datum", at))

        opleiding, niveau, leerweg, locatie, cohort = self._optional(get, problems)

        if problems:
            return Rejection(
                line,
                _readable_id(aanmelding_id),
                problems[0][0],
                "; ".join(f"{name}: {problem}" for name, problem in problems),
            )
        assert status is not None and isinstance(at, datetime.datetime)
        return FeedRow(
            line=line,
            aanmelding_id=aanmelding_id,
            bsn_index=bsn_crypto.blind_index(bsn),
            crebo=crebo,
            status=status,
            at=at,
            opleiding=opleiding,
            niveau=niveau,
            leerweg=leerweg,
            locatie=locatie,
            cohort=cohort,
            bsn=bsn,
        )

    def _status(self, text: str) -> int | None:
        status = self._statuses[text] = status_from(text) if text else None
        return status

    @staticmethod
    def _number(raw, low: int, high: int, name: str, problems: list, message: str) -> int | None:
        text = (raw or "").strip()
        if not text:
            return None
        if text.isascii() and text.isdigit() and low <= int(text) <= high:
            return int(text)
        problems.append((name, message))
        return None

    def _date(self, text: str) -> datetime.datetime | str:
        cached = self._dates.get(text)
        if cached is None:
            cached = self._dates[text] = self._parse_date(text)
        return cached

    @staticmethod
    def _date_problem(text: str) -> str:
        """Why ``text`` is no date, with the value first; a day-month-year date (as a spreadsheet writes it) gets
        its right form to copy."""
        found = _DAY_FIRST.fullmatch(text)
        if found:
            day, month, year = (int(part) for part in found.groups())
            try:
                right = datetime.date(year, month, day).isoformat()
            except ValueError:
                right = ""
            if right:
                return _("%(value)s staat als dag-maand-jaar; schrijf jaar-maand-dag: %(right)s") % {
                    "value": f"“{text}”",
                    "right": right,
                }
        return _("%(value)s is geen geldige datum; schrijf jaar-maand-dag, bijvoorbeeld 2026-03-14") % {
            "value": _quoted(text).strip() or _("de waarde")
        }

    def _parse_date(self, text: str) -> datetime.datetime | str:
        try:
            if len(text) == 10:
                moment = datetime.datetime.combine(datetime.date.fromisoformat(text), NOON)
            else:
                moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return self._date_problem(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=AMSTERDAM)
        # One second is the precision of the feed: the same moment sent again is the same moment.
        moment = moment.replace(microsecond=0)
        if moment > self.latest:
            return _("ligt in de toekomst")
        if moment < self.earliest:
            return _("ligt vóór het jaar 2000")
        return moment
