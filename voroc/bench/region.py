"""The load generator (``manage.py generate_load``): a whole region as it stands in the middle of a school year.

Vo-schools with a decaan, a zorgcoördinator, mentors and groups (mentor grants through django-guardian, as
groups.services does it); this year's pupils and last year's (Oud leerlingen) living in the region's gemeenten
(with their postcode areas, so the gemeente's scope works), each with a valid BSN encrypted and indexed exactly as
``Pupil.set_bsn`` does; mbo-schools with their catalogue; aanmeldingen with their status history; Elders;
doorstroomformulieren in every state under the shipped declaration (sent ones with their snapshot and deliveries);
meldingen; the gemeente's cases (De Overstap, risicomeldingen, niet verschenen) with histories, contacts and remarks;
verzuimmeldingen with their status history; a few pupils linked to a second school.

Everything comes from one seed: each part draws from its own ``random.Random`` derived from it, so the same seed
gives the same data (the encryption's nonces aside, which are random by design). Rows are written with
``bulk_create`` in batches; every user shares one password, hashed once. Functions per part take the ``Scene``
(what the earlier parts made) and add to it: the people, pupils and aanmeldingen here, the forms in region_forms.py,
meldingen, the gemeente's cases and verzuim in region_cases.py.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_password
from accounts.models import Aanhef, GemeentePostcode, Organisation, OrganisationKind, Role, User
from groups.models import MENTOR_CODENAME, Group, MentorGrant
from students.demo_data import (
    CATALOGUE,
    FIRST_NAMES,
    SURNAMES,
    generate_bsns,
    generate_pupils,
    seed_applications,
    split_surname,
)
from students.models import Aanmelding, Elders, Location, Opleiding, Pupil, SchoolLink, Source, StatusChange
from students.schoolyear import current_school_year

BATCH = 2000
DEFAULT_SEED = 2026

# (CBS code, name, 4-digit postcode areas) — the areas follow PostNL's numbering roughly and never overlap.
HAAGLANDEN_GEMEENTEN: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("GM0518", "Den Haag", tuple(range(2491, 2600))),
    ("GM0503", "Delft", tuple(range(2611, 2630))),
    ("GM0637", "Zoetermeer", tuple(range(2711, 2730))),
    ("GM1783", "Westland", tuple(range(2671, 2696))),
    ("GM0603", "Rijswijk", tuple(range(2280, 2290))),
    ("GM1916", "Leidschendam-Voorburg", tuple(range(2261, 2276))),
    ("GM1926", "Pijnacker-Nootdorp", tuple(range(2641, 2648))),
    ("GM1842", "Midden-Delfland", (2635, 2636, 3155, 3156)),
    ("GM0629", "Wassenaar", tuple(range(2241, 2246))),
)
OTHER_GEMEENTEN: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("GM0363", "Amsterdam", tuple(range(1011, 1110))),
    ("GM0599", "Rotterdam", tuple(range(3011, 3090))),
    ("GM0344", "Utrecht", tuple(range(3511, 3586))),
    ("GM0772", "Eindhoven", tuple(range(5611, 5659))),
    ("GM0014", "Groningen", tuple(range(9711, 9748))),
    ("GM0855", "Tilburg", tuple(range(5011, 5050))),
    ("GM0034", "Almere", tuple(range(1311, 1360))),
    ("GM0758", "Breda", tuple(range(4811, 4840))),
    ("GM0268", "Nijmegen", tuple(range(6511, 6547))),
    ("GM0200", "Apeldoorn", tuple(range(7311, 7337))),
    ("GM0392", "Haarlem", tuple(range(2011, 2038))),
    ("GM0202", "Arnhem", tuple(range(6811, 6847))),
    ("GM0153", "Enschede", tuple(range(7511, 7549))),
    ("GM0307", "Amersfoort", tuple(range(3811, 3830))),
    ("GM0479", "Zaanstad", tuple(range(1501, 1568))),
    ("GM0796", "'s-Hertogenbosch", tuple(range(5211, 5250))),
    ("GM0193", "Zwolle", tuple(range(8011, 8047))),
    ("GM0546", "Leiden", tuple(range(2311, 2335))),
    ("GM0935", "Maastricht", tuple(range(6211, 6230))),
    ("GM0505", "Dordrecht", tuple(range(3311, 3330))),
)
HAAGLANDEN_MBO = (
    ("ROC Mondriaan", True),
    ("mboRijnland", True),
    ("Albeda College", True),
    ("MBO Lentiz", True),
    ("Yuverta", True),
    ("Grafisch Lyceum Rotterdam", False),
    ("Hout- en Meubileringscollege", False),
    ("Zadkine", False),
)
VO_KINDS = ("Vakcollege", "Scholengemeenschap", "Lyceum", "Praktijkschool", "College", "Montessori College")
# The catalogue every mbo-school draws its opleidingen from: the demo's, once per (crebo, leerweg).
OFFERS = tuple({(c, lw): (c, n, niv, lw) for rows in CATALOGUE.values() for c, n, niv, lw in rows}.values())
MENTOR_GROUPS = 2  # groups per mentor
GROUP_SIZE = 25


@dataclasses.dataclass(frozen=True)
class RegionSpec:
    name: str
    pupils: int  # this school year's
    vo_schools: int
    mbo_schools: tuple[tuple[str, bool], ...]  # name, connected
    gemeenten: tuple[tuple[str, str, tuple[int, ...]], ...]
    former_share: float = 0.95  # Oud leerlingen, as a share of this year's pupils
    second_share: float = 0.38  # applicants with a second opleiding: ~25,000 aanmeldingen for the regional set


def _national_mbo() -> tuple[tuple[str, bool], ...]:
    cities = [name for _code, name, _areas in HAAGLANDEN_GEMEENTEN[:3] + OTHER_GEMEENTEN]
    return HAAGLANDEN_MBO + tuple((f"ROC {city}", n % 2 == 0) for n, city in enumerate(cities))


REGIONS = {
    "haaglanden": RegionSpec("haaglanden", 12_000, 60, HAAGLANDEN_MBO, HAAGLANDEN_GEMEENTEN),
    "national": RegionSpec("national", 100_000, 500, _national_mbo(), HAAGLANDEN_GEMEENTEN + OTHER_GEMEENTEN),
}


@dataclasses.dataclass
class Scene:
    """What the parts made so far; the next part builds on it."""

    spec: RegionSpec
    seed: int
    year: int
    now: datetime.datetime
    pupils: int
    vo: list[Organisation] = dataclasses.field(default_factory=list)
    mbo: list[Organisation] = dataclasses.field(default_factory=list)
    gemeenten: list[Organisation] = dataclasses.field(default_factory=list)
    area_gemeente: dict[str, Organisation] = dataclasses.field(default_factory=dict)
    home: dict[int, Organisation] = dataclasses.field(default_factory=dict)  # vo-school → its gemeente
    users: dict[str, User] = dataclasses.field(default_factory=dict)
    groups: dict[int, list[Group]] = dataclasses.field(default_factory=dict)
    pupil_ids: dict[int, list[int]] = dataclasses.field(default_factory=dict)  # school year → pupil ids
    counts: Counter = dataclasses.field(default_factory=Counter)
    used_bsns: set[str] = dataclasses.field(default_factory=set, repr=False)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")  # noqa: S311 - generated test data, not secrets

    def user(self, role: str, org: Organisation, n: int = 0) -> User:
        return self.users[username(role, org, n)]


def username(role: str, org: Organisation, n: int = 0) -> str:
    """decaan.40aa, zorg.40aa, mentor1.40aa, roc.30ab, gemeente.gm0518."""
    base = "zorg" if role == Role.ZORGCOORDINATOR else str(role)
    suffix = str(n + 1) if role == Role.MENTOR else ""
    return f"{base}{suffix}.{org.code.lower()}"


def name_of(user: User | None) -> str:
    return (user.full_name or user.username) if user else ""


def _brin(prefix: int, n: int) -> str:
    return f"{prefix + n // 676:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"


# --- organisations and people -----------------------------------------------------------------------------------


def _get_or_create_orgs(rows: list[Organisation]) -> list[Organisation]:
    """The organisations by code: existing ones (a run with --add, or the demo's gemeenten) are kept as they are."""
    existing = {o.code: o for o in Organisation.objects.filter(code__in=[r.code for r in rows])}
    Organisation.objects.bulk_create([r for r in rows if r.code not in existing])
    return [existing.get(r.code, r) for r in rows]


def organisations(scene: Scene) -> None:
    """Gemeenten with their postcode areas, vo-schools (each in a gemeente, the large ones getting more) and the
    mbo-schools."""
    spec, rng = scene.spec, scene.rng("organisations")
    scene.gemeenten = _get_or_create_orgs(
        [
            Organisation(kind=OrganisationKind.GEMEENTE, code=code, name=f"Gemeente {name}")
            for code, name, _areas in spec.gemeenten
        ]
    )
    taken = set(GemeentePostcode.objects.values_list("postcode", flat=True))
    postcodes = [
        GemeentePostcode(gemeente=gemeente, postcode=str(area))
        for gemeente, (_code, _name, areas) in zip(scene.gemeenten, spec.gemeenten, strict=True)
        for area in areas
        if str(area) not in taken
    ]
    GemeentePostcode.objects.bulk_create(postcodes, batch_size=BATCH)
    scene.counts["postcodegebieden"] += len(postcodes)
    for row in GemeentePostcode.objects.filter(gemeente__in=scene.gemeenten).select_related("gemeente"):
        scene.area_gemeente[row.postcode] = row.gemeente
    weights = [len(areas) for _code, _name, areas in spec.gemeenten]
    homes = rng.choices(scene.gemeenten, weights=weights, k=spec.vo_schools)
    vo_rows = [
        Organisation(
            kind=OrganisationKind.VO_SCHOOL,
            code=_brin(40, n),
            name=f"{rng.choice(VO_KINDS)} {home.name.removeprefix('Gemeente ')} {n + 1}",
            email=f"decanaat@{_brin(40, n).lower()}.load.voroc.nl",
        )
        for n, home in enumerate(homes)
    ]
    scene.vo = _get_or_create_orgs(vo_rows)
    scene.home = {school.pk: home for school, home in zip(scene.vo, homes, strict=True)}
    scene.mbo = _get_or_create_orgs(
        [
            Organisation(
                kind=OrganisationKind.MBO_SCHOOL,
                code=_brin(30, n),
                name=name,
                connected=connected,
                email=f"info@{_brin(30, n).lower()}.load.voroc.nl",
            )
            for n, (name, connected) in enumerate(spec.mbo_schools)
        ]
    )
    scene.counts["organisaties"] += len(scene.gemeenten) + len(scene.vo) + len(scene.mbo)


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    voornaam, sex = rng.choice(FIRST_NAMES)
    tussenvoegsel, achternaam = split_surname(rng.choice(SURNAMES))
    return (Aanhef.DHR if sex == "m" else Aanhef.MEVR), voornaam, tussenvoegsel, achternaam


def users(scene: Scene) -> None:
    """Per vo-school a decaan, a zorgcoördinator and a mentor per two groups; a ROC-gebruiker per mbo-school and a
    user per gemeente. One password for all (the demo's), hashed once: hashing per user would take minutes."""
    rng = scene.rng("users")
    password = make_password(demo_password())
    wanted: list[tuple[str, Organisation, int]] = []
    per_school = max(1, math.ceil(scene.pupils / max(len(scene.vo), 1)))
    groups = max(1, math.ceil(per_school / GROUP_SIZE))
    for school in scene.vo:
        wanted += [(Role.DECAAN, school, 0), (Role.ZORGCOORDINATOR, school, 0)]
        wanted += [(Role.MENTOR, school, n) for n in range(math.ceil(groups / MENTOR_GROUPS))]
    wanted += [(Role.ROC, school, 0) for school in scene.mbo]
    wanted += [(Role.GEMEENTE, gemeente, 0) for gemeente in scene.gemeenten]
    names = [username(role, org, n) for role, org, n in wanted]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    new = []
    for (role, org, _n), name in zip(wanted, names, strict=True):
        aanhef, voornaam, tussenvoegsel, achternaam = _person(rng)
        if name in existing:
            continue
        new.append(
            User(
                username=name,
                password=password,
                organisation=org,
                role=role,
                aanhef=aanhef,
                voornaam=voornaam,
                tussenvoegsel=tussenvoegsel,
                achternaam=achternaam,
                email=f"{name}@load.voroc.nl",
                profile_checked_at=scene.now,
                verzuimmelder=role == Role.ZORGCOORDINATOR,
            )
        )
    User.objects.bulk_create(new, batch_size=BATCH)
    scene.users = {u.username: u for u in User.objects.filter(username__in=names).select_related("organisation")}
    scene.counts["gebruikers"] += len(new)


def catalogue(scene: Scene) -> None:
    """Two or three locations and 14 to 20 opleidingen per mbo-school (linked to a location each)."""
    rng = scene.rng("catalogue")
    have = set(Opleiding.objects.filter(school__in=scene.mbo).values_list("school_id", flat=True))
    for school in scene.mbo:
        if school.pk in have:
            continue
        plaats = school.name.removeprefix("ROC ") if school.name.startswith("ROC ") else "Den Haag"
        locations = Location.objects.bulk_create(
            [Location(school=school, name=f"Campus {n + 1}", plaats=plaats) for n in range(rng.randint(2, 3))]
        )
        rows = rng.sample(OFFERS, k=rng.randint(14, min(20, len(OFFERS))))
        opleidingen = Opleiding.objects.bulk_create(
            [Opleiding(school=school, crebo=c, name=n, niveau=niv, leerweg=lw) for c, n, niv, lw in rows]
        )
        Opleiding.locations.through.objects.bulk_create(
            [
                Opleiding.locations.through(opleiding_id=o.pk, location_id=locations[n % len(locations)].pk)
                for n, o in enumerate(opleidingen)
            ]
        )
        scene.counts["locaties"] += len(locations)
        scene.counts["opleidingen"] += len(opleidingen)


def groups_and_mentors(scene: Scene) -> None:
    """Groups of about 25 pupils per school, each mentor linked to two of them (a ``groups.mentor`` grant)."""
    permission = Permission.objects.get(content_type__app_label="groups", codename=MENTOR_CODENAME)
    existing = set(Group.objects.filter(school__in=scene.vo).values_list("school_id", flat=True))
    per_school = max(1, math.ceil(scene.pupils / max(len(scene.vo), 1)))
    count = max(1, math.ceil(per_school / GROUP_SIZE))
    new, grants = [], []
    for school in scene.vo:
        if school.pk in existing:
            continue
        for n in range(count):
            group = Group(school=school, name=f"4{chr(65 + n % 26)}{n // 26 or ''}")
            new.append(group)
            mentor = scene.users.get(username(Role.MENTOR, school, n // MENTOR_GROUPS))
            if mentor is not None:
                grants.append(MentorGrant(content_object=group, user=mentor, permission=permission))
    Group.objects.bulk_create(new, batch_size=BATCH)
    MentorGrant.objects.bulk_create(grants, batch_size=BATCH)
    for group in Group.objects.filter(school__in=scene.vo).order_by("pk"):
        scene.groups.setdefault(group.school_id, []).append(group)
    scene.counts["groepen"] += len(new)
    scene.counts["mentorkoppelingen"] += len(grants)


# --- pupils ----------------------------------------------------------------------------------------------------------


def pupils(scene: Scene, *, year: int, count: int, bsns_out: list[str] | None = None) -> list[int]:
    """``count`` pupils of ``year`` spread over the vo-schools; most live in their school's gemeente, some in
    another one of the region. About 1 in 100 has no BSN (a "Geen BSN" code), 3 in 100 are in no group. The BSN is
    set with ``Pupil.set_bsn`` and the names folded with ``refresh_search_name``: what ``save()`` stores."""
    rng = scene.rng(f"pupils:{year}")
    by_gemeente: dict[int, list[str]] = {}
    for area, gemeente in scene.area_gemeente.items():
        by_gemeente.setdefault(gemeente.pk, []).append(area)
    gemeenten = [g for g in scene.gemeenten if g.pk in by_gemeente]
    weights = [len(by_gemeente[g.pk]) for g in gemeenten]
    numbers = generate_bsns(rng, count, exclude=scene.used_bsns)
    scene.used_bsns.update(numbers)
    if bsns_out is not None:
        bsns_out += numbers
    taken_codes = set(Pupil.objects.filter(no_bsn_code__isnull=False).values_list("no_bsn_code", flat=True))
    first = Pupil.objects.filter(school__in=scene.vo).count()
    rows: list[Pupil] = []
    per_school = [count // len(scene.vo) + (1 if n < count % len(scene.vo) else 0) for n in range(len(scene.vo))]
    for school, size in zip(scene.vo, per_school, strict=True):
        home = scene.home.get(school.pk) or rng.choice(gemeenten)
        places = [home if rng.random() < 0.85 else rng.choices(gemeenten, weights=weights)[0] for _ in range(size)]
        people = []
        for gemeente in dict.fromkeys(places):
            n = places.count(gemeente)
            people += generate_pupils(
                rng,
                n,
                postcode_areas=by_gemeente[gemeente.pk],
                woonplaats=gemeente.name.removeprefix("Gemeente "),
                school_year=year,
            )
        groups = scene.groups.get(school.pk, [])
        for person in people:
            n = len(rows)
            pupil = Pupil(
                school=school,
                school_year=year,
                source=Source.IMPORT if rng.random() < 0.7 else Source.SCHOOL,
                leerlingnummer=f"{scene.seed % 90 + 10}{first + n:06d}",
                group=groups[n % len(groups)] if groups and rng.random() >= 0.03 else None,
                **dataclasses.asdict(person),
            )
            if rng.random() < 0.01:
                code = f"GB{rng.randrange(10**7):07d}"
                while code in taken_codes:
                    code = f"GB{rng.randrange(10**7):07d}"
                taken_codes.add(code)
                pupil.no_bsn_code = code
            else:
                pupil.set_bsn(numbers[n])
            pupil.refresh_search_name()  # bulk_create does not call save()
            rows.append(pupil)
    for start in range(0, len(rows), BATCH):
        Pupil.objects.bulk_create(rows[start : start + BATCH])
    ids = [p.pk for p in rows]
    scene.pupil_ids[year] = ids
    scene.counts["leerlingen" if year == scene.year else "oud-leerlingen"] += len(rows)
    return ids


def school_links(scene: Scene) -> None:
    """About 1 in 300 of this year's pupils is linked to a second school by the servicedesk."""
    rng = scene.rng("links")
    ids = scene.pupil_ids.get(scene.year, [])
    if len(scene.vo) < 2 or not ids:
        return
    chosen = rng.sample(ids, k=max(1, len(ids) // 300))
    school_of = dict(Pupil.objects.filter(pk__in=chosen).values_list("pk", "school_id"))
    links = []
    for pk in chosen:
        other = rng.choice([s for s in scene.vo[:50] if s.pk != school_of[pk]])
        links.append(SchoolLink(pupil_id=pk, school=other, note="Overgestapt naar een andere school"))
    SchoolLink.objects.bulk_create(links)
    scene.counts["koppelingen"] += len(links)


def aanmeldingen(scene: Scene) -> None:
    """This year's: a year in progress. Last year's: mostly ended in a definitieve keuze, dated a year back."""
    for year, weights, now in (
        (scene.year, (10, 30, 25, 4, 5, 18, 8), scene.now),
        (scene.year - 1, (1, 2, 2, 5, 8, 17, 65), scene.now - datetime.timedelta(days=230)),
    ):
        ids = scene.pupil_ids.get(year, [])
        for start in range(0, len(ids), 5000):
            chunk = list(Pupil.objects.filter(pk__in=ids[start : start + 5000]).order_by("pk"))
            seed_applications(
                scene.rng(f"aanmeldingen:{year}:{start}"),
                chunk,
                scene.mbo,
                weights=weights,
                second_share=scene.spec.second_share,
                now=now,
                batch_size=BATCH,
            )
        scene.counts["aanmeldingen"] += Aanmelding.objects.filter(pupil_id__in=ids).count()
        scene.counts["statuswijzigingen"] += StatusChange.objects.filter(aanmelding__pupil_id__in=ids).count()
        scene.counts["elders"] += Elders.objects.filter(pupil_id__in=ids).count()


# --- the whole region ------------------------------------------------------------------------------------------------


def generate(
    region: str = "haaglanden",
    *,
    seed: int = DEFAULT_SEED,
    pupils: int | None = None,
    bsns_out: list[str] | None = None,
) -> Scene:
    """Generate the region in one transaction. ``pupils`` overrides this year's number (the schools scale along
    with it, at least 2); ``bsns_out`` receives the generated BSNs (for tests; never printed)."""
    spec = REGIONS[region]
    count = pupils if pupils is not None else spec.pupils
    if pupils is not None:
        spec = dataclasses.replace(spec, vo_schools=max(2, round(spec.vo_schools * count / spec.pupils)))
    from doorstroom.loader import load_shipped

    from .region_cases import gemeente, meldingen, verzuim  # these build on this module's Scene
    from .region_forms import forms

    scene = Scene(spec=spec, seed=seed, year=current_school_year(), now=timezone.now(), pupils=count)
    steps: list[tuple[str, Callable[[], Any]]] = [
        # The region's doorstroomformulier, as seed_demo does: normally there since its data migration, but not in a
        # database that was emptied (a transactional test's, for one).
        ("formulier", load_shipped),
        ("organisaties", lambda: organisations(scene)),
        ("gebruikers", lambda: users(scene)),
        ("catalogus", lambda: catalogue(scene)),
        ("groepen", lambda: groups_and_mentors(scene)),
        ("leerlingen", lambda: pupils_of_both_years(scene, count, bsns_out)),
        ("koppelingen", lambda: school_links(scene)),
        ("aanmeldingen", lambda: aanmeldingen(scene)),
        ("formulieren", lambda: forms(scene)),
        ("meldingen", lambda: meldingen(scene)),
        ("gemeente", lambda: gemeente(scene)),
        ("verzuim", lambda: verzuim(scene)),
    ]
    with transaction.atomic():
        for name, step in steps:
            start = time.perf_counter()
            step()
            scene.seconds[name] = round(time.perf_counter() - start, 2)
    return scene


def pupils_of_both_years(scene: Scene, count: int, bsns_out: list[str] | None) -> None:
    pupils(scene, year=scene.year, count=count, bsns_out=bsns_out)
    pupils(scene, year=scene.year - 1, count=round(count * scene.spec.former_share), bsns_out=bsns_out)
