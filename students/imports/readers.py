"""Reading an administration system's pupil list: CSV, Excel (.xlsx) or EDEXML 2.x, into one table.

A table is its headings and its rows, each with the line number the user sees in the file (the header is line 1
of a CSV or a sheet; in EDEXML the position of the ``<leerling>``). Cells are text; Excel dates become
``dd-mm-jjjj`` and whole numbers lose their ``.0``. Nothing here logs or repeats a cell in a message.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils.translation import gettext as _

MAX_ROWS = 10_000
MAX_COLUMNS = 100


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; the message is Dutch and holds nothing of the file's content."""


@dataclass
class Table:
    kind: str  # csv, xlsx, edexml
    headings: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "headings": self.headings, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> Table:
        return cls(data["kind"], data["headings"], [(line, cells) for line, cells in data["rows"]])


def kind_of(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "xlsx"
    if name.endswith(".xml") or data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"<":
        return "edexml"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise UnreadableFile(_("Dit bestandstype kan VOROC niet lezen. Kies een .xlsx-, .csv- of EDEXML-bestand (.xml)."))


def read_table(filename: str, data: bytes) -> Table:
    if not data.strip():
        raise UnreadableFile(_("Het bestand is leeg."))
    kind = kind_of(filename, data)
    table = {"csv": read_csv, "xlsx": read_xlsx, "edexml": read_edexml}[kind](data)
    if not table.rows:
        raise UnreadableFile(_("Het bestand bevat geen leerlingen: alleen een kopregel of lege regels."))
    if len(table.rows) > MAX_ROWS:
        raise UnreadableFile(
            _("Het bestand bevat meer dan %(max)s leerlingen. Splits het, bijvoorbeeld per leerjaar.")
            % {"max": MAX_ROWS}
        )
    if len(table.headings) > MAX_COLUMNS:
        raise UnreadableFile(_("Het bestand heeft meer dan %(max)s kolommen.") % {"max": MAX_COLUMNS})
    return table


# --- CSV -----------------------------------------------------------------------------------------------------
def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes on a Dutch Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _separator(text: str) -> str:
    """The separator of the header line, counted outside quotes: ``;``, tab or ``,``."""
    counts = {";": 0, "\t": 0, ",": 0}
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ";"


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.replace("\x00", "")
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    headings: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if headings is None:
                headings = [cell.strip() for cell in record]
                continue
            rows.append((start, [cell.strip() for cell in record]))
    except csv.Error as exc:
        raise UnreadableFile(_("Het CSV-bestand is beschadigd (een aanhalingsteken sluit niet).")) from exc
    if headings is None:
        raise UnreadableFile(_("Het bestand heeft geen kopregel."))
    return Table("csv", headings, rows, encoding=encoding, separator=separator)


# --- Excel ---------------------------------------------------------------------------------------------------
def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(_("Het Excel-bestand kan niet worden geopend. Sla het opnieuw op als .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0]
        headings: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            if headings is None:
                headings = cells
                continue
            rows.append((number, cells))
    finally:
        workbook.close()
    if headings is None:
        raise UnreadableFile(_("Het eerste werkblad is leeg."))
    while headings and not headings[-1]:
        headings.pop()
    return Table("xlsx", headings, rows)


# --- EDEXML 2.x (Edustandaard) -------------------------------------------------------------------------------
class _Forbidden(ValueError):
    pass


def _parse_safely(data: bytes) -> ElementTree.Element:
    """Expat building an ElementTree, with no DTD, no entity declarations and no external entities: nothing can
    expand or reach out (what defusedxml does, with the standard library only)."""

    def forbid(*_args):
        raise _Forbidden

    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(data, True)
    return builder.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _group_names(root) -> dict[str, str]:
    """key → naam of every groep and samengestelde groep."""
    names = {}
    for element in root.iter():
        if _local(element.tag) in ("groep", "samengestelde_groep") and element.get("key") and len(element):
            naam = next((c.text or "" for c in element if _local(c.tag) == "naam"), "")
            names[element.get("key", "")] = naam.strip()
    return names


def _leerling_values(leerling, groups: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    if leerling.get("key"):
        values["leerlingnummer"] = leerling.get("key", "").strip()
    for child in leerling:
        name = _local(child.tag)
        if name == "groep":
            values["groep"] = groups.get(child.get("key", ""), (child.text or "").strip())
        elif name == "samengestelde_groepen":
            joined = [groups.get(c.get("key", ""), "") for c in child]
            values["samengestelde groepen"] = ", ".join(n for n in joined if n)
        elif len(child):  # e.g. an <adres> with <straat>, <huisnummer>, …: its leaves
            for leaf in child.iter():
                if not len(leaf) and (leaf.text or "").strip():
                    values.setdefault(_local(leaf.tag), leaf.text.strip())  # type: ignore[union-attr]
        elif (child.text or "").strip():
            values.setdefault(name, (child.text or "").strip())
    return values


def read_edexml(data: bytes) -> Table:
    try:
        root = _parse_safely(data)
    except _Forbidden as exc:
        raise UnreadableFile(_("Het XML-bestand bevat een DTD of entiteiten; die leest VOROC niet.")) from exc
    except expat.ExpatError as exc:
        raise UnreadableFile(_("Het XML-bestand is beschadigd of onvolledig.")) from exc
    if _local(root.tag) != "edex":
        raise UnreadableFile(_("Dit XML-bestand is geen EDEXML-bestand (het begint niet met <EDEX>)."))
    groups = _group_names(root)
    leerlingen = [el for block in _children(root, "leerlingen") for el in _children(block, "leerling")]
    records = [_leerling_values(leerling, groups) for leerling in leerlingen]
    headings: list[str] = []
    for record in records:
        headings += [name for name in record if name not in headings]
    rows = [(number, [record.get(h, "") for h in headings]) for number, record in enumerate(records, start=1)]
    return Table("edexml", headings, rows)
