"""Which file column holds which VOROC field: guessed from the headings of the big administration systems
(Magister, SOMtoday, EDEXML), confirmed or corrected by the user, and remembered per school."""

from __future__ import annotations

import fnmatch
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# The fields an import can fill, in the order of the mapping screen.
FIELDS: dict[str, object] = {
    "leerlingnummer": _("Leerlingnummer"),
    "bsn": _("BSN"),
    "voornaam": _("Roepnaam"),
    "tussenvoegsel": _("Tussenvoegsel"),
    "achternaam": _("Achternaam"),
    "geboortedatum": _("Geboortedatum"),
    "geslacht": _("Geslacht"),
    "group": _("Groep (klas)"),
    "straat": _("Straat"),
    "huisnummer": _("Huisnummer"),
    "toevoeging": _("Toevoeging"),
    "postcode": _("Postcode"),
    "woonplaats": _("Woonplaats"),
    "email": _("E-mailadres"),
    "telefoon": _("Telefoon"),
}

# Folded headings (see ``fold_heading``) per field; the first column that matches a field gets it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "leerlingnummer": ("leerlingnummer", "stamnr", "stamnummer", "llnr", "lln nr", "leerlingnr", "leerling nummer",
                       "key", "studentnummer", "stamnr leerling"),
    "bsn": ("bsn", "burgerservicenummer", "sofinummer", "sofi nummer", "bsn nummer", "bsn onderwijsnummer",
            "onderwijsnummer", "bsn leerling"),
    "voornaam": ("roepnaam", "voornaam", "roepnaam leerling", "voornamen"),
    "tussenvoegsel": ("tussenv", "tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorv", "tv"),
    "achternaam": ("achternaam", "geslachtsnaam", "achternaam leerling"),
    "geboortedatum": ("geboortedatum", "geb datum", "gebdatum", "geb dat", "geboren", "geboorte datum"),
    "geslacht": ("geslacht", "m v", "mv", "sekse"),
    "group": ("klas", "groep", "stamgroep", "basisgroep", "klas groep", "lesgroep", "stamklas", "klasnaam"),
    "straat": ("straat", "straatnaam", "adres straat"),
    "huisnummer": ("huisnr", "huisnummer", "huis nr"),
    "toevoeging": ("toev", "toevoeging", "huisnummertoevoeging", "huisnr toev", "huisnummer toevoeging"),
    "postcode": ("postcode", "pc", "postcode leerling"),
    "woonplaats": ("woonplaats", "plaats", "plaatsnaam"),
    "email": ("e mail", "email", "e mailadres", "emailadres", "e mail leerling", "email leerling", "mail"),
    "telefoon": ("telefoon", "mobiel", "telefoonnummer", "mobiel nummer", "mobielnummer", "tel", "telefoon mobiel",
                 "06 nummer", "mobiel leerling"),
}  # fmt: skip
_BY_HEADING = {heading: name for name, headings in SYNONYMS.items() for heading in headings}
# Without one of these the file cannot name its pupils or match them.
REQUIRED_FIELDS = ("voornaam", "achternaam")
IDENTIFYING_FIELDS = ("leerlingnummer", "bsn")


def fold_heading(heading: str) -> str:
    """ "Geb.datum" → "geb datum", "E-mail" → "e mail", "Tussenv." → "tussenv"."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def guess(headings: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """{column index (text): field}: the school's last mapping where its headings recur, else the synonyms."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    remembered = remembered or {}
    for source in ("remembered", "synonyms"):
        for index, heading in enumerate(headings):
            key = str(index)
            if key in mapping:
                continue
            folded = fold_heading(heading)
            field = remembered.get(folded) if source == "remembered" else _BY_HEADING.get(folded)
            if field in FIELDS and field not in used:
                mapping[key] = field
                used.add(field)
    return mapping


def to_remember(headings: list[str], mapping: dict[str, str]) -> dict[str, str]:
    return {fold_heading(headings[int(index)]): field for index, field in mapping.items() if int(index) < len(headings)}


def problems(mapping: dict[str, str]) -> list[str]:
    """What is wrong with a mapping as a whole (Dutch), or nothing."""
    fields = list(mapping.values())
    errors = []
    twice = sorted({str(FIELDS[f]) for f in fields if fields.count(f) > 1})
    if twice:
        errors.append(
            str(_("Elk veld kan maar aan één kolom gekoppeld worden: %(fields)s.")) % {"fields": ", ".join(twice)}
        )
    missing = [str(FIELDS[f]) for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        errors.append(str(_("Koppel een kolom aan: %(fields)s.")) % {"fields": ", ".join(missing)})
    if not any(f in fields for f in IDENTIFYING_FIELDS):
        errors.append(str(_("Koppel een kolom aan het leerlingnummer of het BSN: daarop herkent VOROC een leerling.")))
    return errors


def matches_filter(value: str, pattern: str) -> bool:
    """ "4*" keeps 4A, 4hv2 …; without a wildcard the value must be equal (capitals do not count)."""
    pattern = pattern.strip().lower()
    if not pattern:
        return True
    value = value.strip().lower()
    return fnmatch.fnmatchcase(value, pattern) if any(c in pattern for c in "*?") else value == pattern
