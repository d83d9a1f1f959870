"""Deterministic fake pupil data for the demo region (Haaglanden: Den Haag, Delft and surroundings).

Everything is generated from a caller-supplied ``random.Random``: the same seed gives the same pupils,
so demo data and tests are reproducible. No external files, no network, standard library only.
"""

from __future__ import annotations

import datetime
import random
import string
import unicodedata
from collections.abc import Sequence, Set
from dataclasses import dataclass

from .bsn import ELFPROEF_WEIGHTS

EMAIL_DOMAIN = "leerling.demo.voroc.nl"

# Elfproef weights for the nine BSN digits.

# fmt: off
# (first name, geslacht). Dutch, Moroccan-Dutch, Turkish-Dutch, Surinamese/Antillean and Polish names.
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    *((name, "m") for name in (
        "Sem", "Noah", "Liam", "Lucas", "Daan", "Finn", "Levi", "Luuk", "Milan", "Bram", "Jesse", "Thijs",
        "Daniël", "Ruben", "Mohamed", "Ayoub", "Adam", "Bilal", "Yassin", "Rayan", "Ilias", "Emre", "Mert",
        "Burak", "Yusuf", "Kerem", "Kevin", "Jayden", "Dylan", "Jordy", "Ravi", "Rohan", "Kacper", "Jakub",
        "Mateusz", "Michał",
    )),
    *((name, "v") for name in (
        "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Chloë", "Sara", "Anna", "Evi", "Lotte", "Fenna",
        "Saar", "Noor", "Yasmine", "Aya", "Salma", "Imane", "Hiba", "Elif", "Zeynep", "Ecem", "Büşra",
        "Shanice", "Naomi", "Kimberly", "Priya", "Anjali", "Zuzanna", "Maja", "Oliwia", "Lena",
    )),
)

# Full surnames as written after a first name; tussenvoegsels are split off by split_surname().
SURNAMES: tuple[str, ...] = (
    "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Dijkstra", "de Jong", "van der Meer", "van der Linden", "Verhoeven", "Kok", "de Haan", "Vermeulen",
    "van den Heuvel", "van Beek", "ter Horst", "van 't Hof", "Janssen", "Yilmaz", "Kaya", "Demir", "Şahin",
    "Çelik", "Öztürk", "Aydın", "Koç", "El Amrani", "Bouzid", "Boukhari", "El Idrissi", "Benali",
    "Azzouzi", "Ait Taleb", "Ouali", "Pinas", "Kromodikoro", "Ramdin", "Ramsaran", "Sewnarain", "Biharie",
    "Kartosen", "Martina", "Maduro", "Isenia", "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Lewandowski",
    "Zieliński", "Nguyen",
)

# Recognised tussenvoegsels, longest first so "van der" wins over "van".
TUSSENVOEGSELS: tuple[str, ...] = tuple(
    sorted(("van", "de", "den", "der", "te", "ter", "ten", "el", "al", "van de", "van den", "van der",
            "van 't", "in 't", "op de"), key=len, reverse=True)
)

STREETS: tuple[str, ...] = (
    # Den Haag
    "Laan van Meerdervoort", "Weimarstraat", "Fahrenheitstraat", "Valkenboslaan", "Loosduinseweg",
    "Escamplaan", "Leyweg", "Zuiderparklaan", "Hoefkade", "Vaillantlaan", "Stationsweg", "Prinsegracht",
    "Torenstraat", "Frederik Hendriklaan", "Beeklaan", "Thomsonlaan", "Goudenregenstraat", "Elandstraat",
    "Regentesselaan", "Erasmusweg", "Dierenselaan", "Paul Krugerlaan", "Groot Hertoginnelaan",
    "Bezuidenhoutseweg", "Laan van Nieuw Oost-Indië", "Rijswijkseweg", "Herengracht",
    # Delft
    "Oude Delft", "Papsouwselaan", "Voorstraat", "Koornmarkt", "Nieuwe Langendijk", "Westlandseweg",
    "Phoenixstraat", "Buitenwatersloot", "Mijnbouwstraat", "Schoemakerstraat", "Aart van der Leeuwlaan",
)

TOEVOEGINGEN: tuple[str, ...] = ("A", "B", "C", "bis", "1", "2", "3")
# fmt: on

# Letter pairs PostNL does not use in postcodes.
FORBIDDEN_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})

# Letters that NFKD normalisation does not reduce to ASCII.
_ASCII_EXTRA = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


def generate_bsns(rng: random.Random, count: int, exclude: Set[str] = frozenset()) -> list[str]:
    """Return ``count`` distinct valid BSNs, none of them in ``exclude``.

    Eight random digits are drawn and the ninth is computed so the elfproef holds; a draw whose
    check digit would be 10 (or that yields "000000000") is discarded.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    result: list[str] = []
    seen: set[str] = set(exclude)
    while len(result) < count:
        digits = [rng.randrange(10) for _ in range(8)]
        # sum(d*w) - check must be divisible by 11, so check = sum(d*w) mod 11.
        check = sum(d * w for d, w in zip(digits, ELFPROEF_WEIGHTS, strict=False)) % 11
        if check == 10:
            continue
        bsn = "".join(map(str, digits)) + str(check)
        if bsn == "000000000" or bsn in seen:
            continue
        seen.add(bsn)
        result.append(bsn)
    return result


@dataclass(frozen=True)
class DemoPupil:
    """One fake pupil in the last year of vmbo, as a vo-school would register them."""

    voornaam: str
    tussenvoegsel: str  # "" or e.g. "van", "de", "van der", "el", "ter"
    achternaam: str
    geslacht: str  # "m", "v" or "x"
    geboortedatum: datetime.date
    email: str
    telefoon: str  # Dutch mobile number, "06-12345678"
    straat: str
    huisnummer: int
    toevoeging: str  # "" mostly, sometimes "A", "bis", "2", ...
    postcode: str  # "2512 AB"
    woonplaats: str


def split_surname(full: str) -> tuple[str, str]:
    """Split a full surname into (tussenvoegsel, achternaam): "van der Meer" -> ("van der", "Meer").

    The tussenvoegsel is returned in lower case ("El Amrani" -> ("el", "Amrani")).
    """
    lowered = full.lower()
    for prefix in TUSSENVOEGSELS:
        if lowered.startswith(prefix + " ") and len(full) > len(prefix) + 1:
            return prefix, full[len(prefix) + 1 :]
    return "", full


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Zoë" -> "zoe", "van 't Hof" -> "vanthof"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return "".join(c for c in ascii_text if c in string.ascii_lowercase + string.digits)


def _postcode(rng: random.Random, areas: list[str]) -> str:
    while True:
        letters = rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase)
        if letters not in FORBIDDEN_POSTCODE_LETTERS:
            return f"{rng.choice(areas)} {letters}"


def _birth_date(rng: random.Random, school_year: int) -> datetime.date:
    # Born in school_year-16 or school_year-15 and 15 or 16 years old on 1 October of school_year:
    # 1 January of school_year-16 up to and including 1 October of school_year-15.
    first = datetime.date(school_year - 16, 1, 1)
    last = datetime.date(school_year - 15, 10, 1)
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def generate_pupils(
    rng: random.Random, count: int, *, postcode_areas: list[str], woonplaats: str, school_year: int
) -> list[DemoPupil]:
    """Return ``count`` fake pupils living in ``woonplaats``, in the last vmbo year of ``school_year``.

    ``school_year`` is the calendar year in which the school year starts (2025 for 2025/26).
    ``postcode_areas`` are the 4-digit postcode areas of the woonplaats (e.g. "2611".."2629" for Delft).
    E-mail addresses are unique within one call; the result depends only on the rng state and arguments.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not postcode_areas or not all(len(a) == 4 and a.isdigit() and a[0] != "0" for a in postcode_areas):
        raise ValueError("postcode_areas must be a non-empty list of 4-digit areas (1000-9999)")
    boys = [name for name, sex in FIRST_NAMES if sex == "m"]
    girls = [name for name, sex in FIRST_NAMES if sex == "v"]
    used_emails: set[str] = set()
    pupils: list[DemoPupil] = []
    for _ in range(count):
        roll = rng.random()
        geslacht = "x" if roll < 0.01 else ("m" if roll < 0.505 else "v")
        voornaam = rng.choice(boys if geslacht == "m" else girls if geslacht == "v" else boys + girls)
        tussenvoegsel, achternaam = split_surname(rng.choice(SURNAMES))

        local = f"{ascii_slug(voornaam)}.{ascii_slug(tussenvoegsel + achternaam)}"
        email, suffix = f"{local}@{EMAIL_DOMAIN}", 1
        while email in used_emails:
            suffix += 1
            email = f"{local}{suffix}@{EMAIL_DOMAIN}"
        used_emails.add(email)

        pupils.append(
            DemoPupil(
                voornaam=voornaam,
                tussenvoegsel=tussenvoegsel,
                achternaam=achternaam,
                geslacht=geslacht,
                geboortedatum=_birth_date(rng, school_year),
                email=email,
                telefoon=f"06-{rng.randint(1, 6)}{rng.randrange(10**7):07d}",
                straat=rng.choice(STREETS),
                huisnummer=rng.randint(1, 40) if rng.random() < 0.6 else rng.randint(41, 350),
                toevoeging=rng.choice(TOEVOEGINGEN) if rng.random() < 0.12 else "",
                postcode=_postcode(rng, postcode_areas),
                woonplaats=woonplaats,
            )
        )
    return pupils


# --- The mbo catalogue and the demo's aanmeldingen ------------------------------------------------------

# Crebo-style codes and names of common mbo-opleidingen (code, name, niveau, leerweg).
CATALOGUE: dict[str, tuple[tuple[str, str, int, str], ...]] = {
    "25AA": (
        ("25655", "Verpleegkundige", 4, "BOL"),
        ("25655", "Verpleegkundige", 4, "BBL"),
        ("25658", "Verzorgende-IG", 3, "BOL"),
        ("25498", "Helpende zorg en welzijn", 2, "BOL"),
        ("25662", "Doktersassistent", 4, "BOL"),
        ("25663", "Apothekersassistent", 4, "BOL"),
        ("25698", "Pedagogisch medewerker kinderopvang", 3, "BOL"),
        ("25604", "Software developer", 4, "BOL"),
        ("25607", "Medewerker ICT", 2, "BOL"),
        ("25606", "Expert IT systems and devices", 4, "BOL"),
        ("25180", "Kok", 2, "BOL"),
        ("25181", "Zelfstandig werkend kok", 3, "BOL"),
        ("25255", "Verkoopmedewerker", 2, "BOL"),
        ("25252", "Manager retail", 4, "BOL"),
        ("25166", "Commercieel medewerker", 4, "BOL"),
        ("25139", "Juridisch medewerker zakelijke dienstverlening", 4, "BOL"),
        ("25450", "Mediavormgever", 4, "BOL"),
        ("25435", "Sport- en bewegingscoördinator", 4, "BOL"),
        ("25395", "Logistiek medewerker", 2, "BBL"),
        ("25253", "Entree – assistent dienstverlening en zorg", 1, "BOL"),
    ),
    "25BB": (
        ("25340", "Eerste monteur elektrotechnische installaties", 3, "BBL"),
        ("25339", "Monteur elektrotechnische installaties", 2, "BOL"),
        ("25142", "Allround timmerman", 3, "BBL"),
        ("25143", "Timmerman", 2, "BOL"),
        ("25261", "Eerste autotechnicus", 3, "BOL"),
        ("25260", "Autotechnicus", 2, "BOL"),
        ("25282", "Vakbekwaam medewerker teelt", 3, "BOL"),
        ("25284", "Medewerker hovenier", 2, "BOL"),
        ("25108", "Bakker", 2, "BBL"),
        ("25196", "Facilitair leidinggevende", 4, "BOL"),
        ("25452", "Zelfstandig medewerker travel en hospitality", 3, "BOL"),
        ("25253", "Entree – assistent bouwen, wonen en onderhoud", 1, "BOL"),
    ),
}
LOCATIONS = {
    "25AA": (
        ("Zorgcampus Mariahoeve", "Den Haag"),
        ("Campus Laakhaven", "Den Haag"),
        ("Locatie Zoetermeer", "Zoetermeer"),
    ),
    "25BB": (("Techniekhuis Naaldwijk", "Naaldwijk"), ("Vakschool Delft", "Delft")),
}


def seed_catalogue(orgs: dict) -> int:
    """Locations and opleidingen of the demo's mbo-schools (idempotent). Returns new records."""
    from .models import Location, Opleiding

    created = 0
    for code, rows in CATALOGUE.items():
        school = orgs[code]
        locations = []
        for name, plaats in LOCATIONS[code]:
            location, new = Location.objects.get_or_create(school=school, name=name, defaults={"plaats": plaats})
            locations.append(location)
            created += new
        for n, (crebo, name, niveau, leerweg) in enumerate(rows):
            opleiding, new = Opleiding.objects.get_or_create(
                school=school, crebo=crebo, leerweg=leerweg, defaults={"name": name, "niveau": niveau}
            )
            if new:
                opleiding.locations.add(locations[n % len(locations)])
                created += 1
    return created


# How often an aanmelding ends at each status (Status order): a school year in progress.
STATUS_WEIGHTS = (10, 30, 25, 4, 5, 18, 8)


def seed_applications(
    rng: random.Random,
    pupils: list,
    mbo_schools: list,
    *,
    weights: Sequence[int] = STATUS_WEIGHTS,
    second_share: float = 0.25,
    now: datetime.datetime | None = None,
    batch_size: int | None = None,
) -> int:
    """Aanmeldingen with a plausible history for about four in five pupils; a few go Elders. Returns records.

    Written in bulk (the demo's data is generated, not typed in): the rules of aanmeldingen.py hold for it,
    at most two opleidingen per mbo-school and a history in date order. ``weights`` (per status, in order) and
    ``second_share`` (applicants with a second opleiding) shape the figures, ``now`` moves the dates (last school
    year's pupils), ``batch_size`` bounds the inserts (the load generator's hundred thousands of rows).
    """
    from django.utils import timezone

    from .models import Aanmelding, Elders, EldersKind, Opleiding, Status, StatusChange, StatusSource

    now = now or timezone.now()
    offers = {school.pk: list(Opleiding.objects.filter(school=school)) for school in mbo_schools}
    elders, aanmeldingen, histories = [], [], []
    for pupil in pupils:
        roll = rng.random()
        if roll < 0.05:
            kind = rng.choice([EldersKind.HAVO, EldersKind.WERK, EldersKind.DAGBESTEDING, EldersKind.MBO_ANDERS])
            name = "Grafisch Lyceum Rotterdam" if kind == EldersKind.MBO_ANDERS else ""
            day = timezone.localdate(now - datetime.timedelta(days=rng.randint(1, 30)))
            elders.append(Elders(pupil=pupil, kind=kind, name=name, date=day))
            continue
        if roll < 0.2:
            continue  # no aanmelding yet
        school = rng.choice(mbo_schools)
        for opleiding in rng.sample(offers[school.pk], k=2 if rng.random() >= 1 - second_share else 1):
            final = rng.choices(list(Status), weights=weights)[0]
            steps = [s for s in Status if s <= final and s not in (Status.INTAKE_GEANNULEERD, Status.NEGATIEF_BESLUIT)]
            if final in (Status.INTAKE_GEANNULEERD, Status.NEGATIEF_BESLUIT):
                steps = [s for s in steps if s <= Status.INTAKE] + [final]
            source = StatusSource.FEED if school.connected else StatusSource.HAND
            when = now - datetime.timedelta(days=rng.randint(40, 70))
            dates = []
            for _step in steps:
                dates.append(min(when, now))
                when += datetime.timedelta(days=rng.randint(3, 12))
            aanmelding = Aanmelding(
                pupil=pupil,
                opleiding=opleiding,
                mbo_school=school,
                school_year=pupil.school_year,
                status=steps[-1],
                status_at=dates[-1],
            )
            aanmeldingen.append(aanmelding)
            histories.append([StatusChange(status=s, at=d, source=source) for s, d in zip(steps, dates, strict=True)])
    Elders.objects.bulk_create(elders, batch_size=batch_size)
    Aanmelding.objects.bulk_create(aanmeldingen, batch_size=batch_size)
    changes = []
    for aanmelding, history in zip(aanmeldingen, histories, strict=True):
        for change in history:
            change.aanmelding = aanmelding
            changes.append(change)
    StatusChange.objects.bulk_create(changes, batch_size=batch_size)
    return len(elders) + len(aanmeldingen)
