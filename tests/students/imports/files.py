"""Real files as administration systems write them, made in the tests: CSV (cp1252 with ``;`` and CRLF, UTF-8 with
BOM), Excel written by openpyxl, EDEXML 2.x."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook

MAGISTER_HEADINGS = ["Stamnr.", "Roepnaam", "Tussenv.", "Achternaam", "Geb.datum", "M/V", "BSN", "Klas", "Straat",
                     "Huisnr.", "Toev.", "Postcode", "Woonplaats", "E-mail", "Mobiel"]  # fmt: skip


def person(n: int, bsn: str, *, klas: str = "4A", **overrides) -> dict:
    row = {
        "Stamnr.": f"{20000 + n}",
        "Roepnaam": f"Sanne{n}",
        "Tussenv.": "de" if n % 2 else "",
        "Achternaam": f"Vries{n}",
        "Geb.datum": "14-03-2009",
        "M/V": "V",
        "BSN": bsn,
        "Klas": klas,
        "Straat": "Laan van Meerdervoort",
        "Huisnr.": str(10 + n),
        "Toev.": "",
        "Postcode": "2517 AB",
        "Woonplaats": "Den Haag",
        "E-mail": f"sanne{n}@example.com",
        "Mobiel": "06-12345678",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, headings=MAGISTER_HEADINGS, sep=";", encoding="cp1252", newline="\r\n",
              bom=False) -> bytes:  # fmt: skip
    def cell(value: str) -> str:
        value = str(value)
        return f'"{value}"' if (sep in value or '"' in value or "\n" in value) else value

    lines = [sep.join(headings)] + [sep.join(cell(row.get(h, "")) for h in headings) for row in rows]
    data = (newline.join(lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[dict], *, headings=MAGISTER_HEADINGS, typed: bool = True) -> bytes:
    """As Excel keeps it: BSN and Stamnr. as numbers (a leading zero is lost), the birth date as a date."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        values = []
        for heading in headings:
            value = row.get(heading, "")
            if typed and heading in ("BSN", "Stamnr.", "Huisnr.") and str(value).isdigit():
                value = int(value)
            elif typed and heading == "Geb.datum" and value and "-" in value:
                day, month, year = value.split("-")
                value = datetime.datetime(int(year), int(month), int(day))
            values.append(value if value != "" else None)
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def edexml_bytes(pupils: list[dict], *, version: str = "2.1", namespace: bool = True) -> bytes:
    """EDEXML 2.x: <EDEX> with <groepen> and <leerlingen>; each <leerling key="…"> with its elements."""
    ns = f' xmlns="http://www.edustandaard.nl/edex/{version}"' if namespace else ""
    groups = sorted({p.get("groep", "") for p in pupils if p.get("groep")})
    keys = {name: f"G{n}" for n, name in enumerate(groups, start=1)}
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<EDEX{ns}>',
        "<school><schooljaar>2026-2027</schooljaar></school>",
    ]
    parts.append(
        "<groepen>"
        + "".join(f'<groep key="{keys[g]}"><naam>{g}</naam><jaargroep>4</jaargroep></groep>' for g in groups)
        + "</groepen>"
    )
    parts.append("<leerlingen>")
    for p in pupils:
        inner = "".join(f"<{k}>{v}</{k}>" for k, v in p.items() if k not in ("key", "groep", "adres"))
        if p.get("groep"):
            inner += f'<groep key="{keys[p["groep"]]}"/>'
        if p.get("adres"):
            inner += "<adres>" + "".join(f"<{k}>{v}</{k}>" for k, v in p["adres"].items()) + "</adres>"
        parts.append(f'<leerling key="{p["key"]}">{inner}</leerling>')
    parts.append("</leerlingen></EDEX>")
    return "\n".join(parts).encode()
