"""The demo region's pupils, groups and mentor links (used by ``manage.py seed_demo``)."""

from __future__ import annotations

import dataclasses
import random

from django.db import transaction

from accounts.models import Organisation, User
from students.demo_data import generate_bsns, generate_pupils, seed_applications, seed_catalogue
from students.models import Pupil, Source, new_no_bsn_code
from students.schoolyear import current_school_year

from .models import Group
from .services import set_mentor_links


@dataclasses.dataclass(frozen=True)
class DemoSchool:
    code: str
    seed: int
    woonplaats: str
    postcode_areas: list[str]
    groups: tuple[str, ...]
    mentor_groups: dict[str, tuple[str, ...]]  # mentor login name → group names
    pupils: int = 120
    unplaced: int = 5  # pupils left "niet ingedeeld", to place on the Groepen tab
    without_bsn: int = 3
    mbo_schools: tuple[str, ...] = ("25AA", "25BB")  # where its pupils apply


DEMO_SCHOOLS = (
    DemoSchool(
        code="00AA",
        seed=518,
        woonplaats="Den Haag",
        postcode_areas=[str(p) for p in range(2491, 2600)],
        groups=("4A", "4B", "4C", "4D", "Havo"),
        mentor_groups={"mentor.vo1": ("4A", "4B")},
    ),
    DemoSchool(
        code="00BB",
        seed=503,
        woonplaats="Delft",
        postcode_areas=[str(p) for p in range(2611, 2630)],
        groups=("4BB", "4KB", "4GL", "4TL-1", "4TL-2"),
        mentor_groups={"mentor.vo2": ("4KB",)},
    ),
)


@transaction.atomic
def seed_school(spec: DemoSchool, school: Organisation, used_bsns: set[str]) -> int:
    """Groups, pupils and mentor links for one school, unless it has pupils already. Returns new records."""
    if Pupil.objects.filter(school=school).exists():
        return 0
    rng = random.Random(spec.seed)
    year = current_school_year()
    groups = {name: Group.objects.get_or_create(school=school, name=name)[0] for name in spec.groups}
    people = generate_pupils(
        rng, spec.pupils, postcode_areas=spec.postcode_areas, woonplaats=spec.woonplaats, school_year=year
    )
    bsns = generate_bsns(rng, spec.pupils, exclude=used_bsns)
    used_bsns.update(bsns)
    placed = spec.pupils - spec.unplaced
    pupils = []
    for number, (person, bsn) in enumerate(zip(people, bsns, strict=True)):
        pupil = Pupil(school=school, school_year=year, source=Source.SCHOOL, **dataclasses.asdict(person))
        pupil.group = groups[spec.groups[number % len(spec.groups)]] if number < placed else None
        if number % (spec.pupils // max(spec.without_bsn, 1)) == 7:
            pupil.no_bsn_code = new_no_bsn_code()
        else:
            pupil.set_bsn(bsn)
        pupil.full_clean(validate_unique=False, validate_constraints=False)  # the database checks both
        pupil.refresh_search_name()  # bulk_create does not call save()
        pupils.append(pupil)
    Pupil.objects.bulk_create(pupils)
    mbo = list(Organisation.objects.filter(code__in=spec.mbo_schools).order_by("code"))
    created_applications = seed_applications(rng, list(Pupil.objects.filter(school=school).order_by("pk")), mbo)
    links = {
        (groups[name].pk, mentor.pk)
        for login, names in spec.mentor_groups.items()
        for mentor in User.objects.filter(username=login, organisation=school)
        for name in names
    }
    set_mentor_links(school=school, links=links)
    return len(groups) + len(pupils) + len(links) + created_applications


def seed_pupils_and_groups(orgs: dict[str, Organisation]) -> int:
    used: set[str] = set()
    created = seed_catalogue(orgs)
    return created + sum(seed_school(spec, orgs[spec.code], used) for spec in DEMO_SCHOOLS)
