"""The vervolgkeuze: a school, then a location of that school, then an opleiding there, from the mbo-schools'
catalogue (students.Location, students.Opleiding), found by the first letters the pupil types (seed, step 14)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind
from doorstroom.engine import Measured
from students.models import Location, Opleiding

MAX_FOUND = 12
MIN_LETTERS = 2


def _words_start(field: str, query: str) -> Q:
    """The name, or a word in it, starts with what was typed ("lei" finds "ROC de Leijgraaf")."""
    return Q(**{f"{field}__istartswith": query}) | Q(**{f"{field}__icontains": " " + query})


def offered() -> QuerySet[Opleiding]:
    return Opleiding.objects.filter(active=True, school__kind=OrganisationKind.MBO_SCHOOL)


def find_schools(query: str) -> list[Organisation]:
    query = query.strip()
    if len(query) < MIN_LETTERS:
        return []
    return list(
        Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL)
        .filter(Exists(offered().filter(school=OuterRef("pk"))))
        .filter(_words_start("name", query))
        .order_by("name")[:MAX_FOUND]
    )


def _locations(school_id: int) -> QuerySet[Location]:
    return Location.objects.filter(school_id=school_id).filter(Exists(offered().filter(locations=OuterRef("pk"))))


def locations_of(school: Organisation) -> list[Location]:
    """The school's locations where an opleiding is offered (an opleiding without locations is offered at all)."""
    return list(_locations(school.pk).order_by("plaats", "name"))


def opleidingen_at(school: Organisation, location: Location | None) -> QuerySet[Opleiding]:
    found = offered().filter(school=school)
    if location is not None:
        found = found.filter(Q(locations=location) | Q(locations__isnull=True)).distinct()
    return found.order_by("name", "niveau", "leerweg")


def find_opleidingen(school: Organisation, location: Location | None, query: str) -> list[Opleiding]:
    query = query.strip()
    found = opleidingen_at(school, location)
    if query:
        found = found.filter(_words_start("name", query) | Q(crebo=query))
    return list(found[:MAX_FOUND])


def describe(opleiding: Opleiding, school: Organisation, location: Location | None) -> str:
    """The choice in words, as the pupil confirmed it (kept with the dossier when the catalogue changes)."""
    where = ""
    if location is not None:  # "locatie Campus Laakhaven", but not "locatie Locatie Zoetermeer"
        where = f", {location}" if location.name.lower().startswith("locatie") else f", {_('locatie')} {location}"
    return _("%(opleiding)s (crebo %(crebo)s) bij %(school)s%(where)s") % {
        "opleiding": opleiding,
        "crebo": opleiding.crebo,
        "school": school.name,
        "where": where,
    }


@dataclass(frozen=True)
class ChoiceProgress(Measured):
    """The vervolgkeuze as a page of part A: school, location (where the school has locations), opleiding and
    the confirmation are its required answers."""

    required: int
    filled: int


def progress_of(dossier) -> ChoiceProgress:
    needs_location = dossier.mbo_school_id is not None and bool(dossier.location_id or _has_locations(dossier))
    required = 4 if needs_location or dossier.mbo_school_id is None else 3
    filled = sum(
        [
            dossier.mbo_school_id is not None,
            needs_location and dossier.location_id is not None,
            dossier.opleiding_id is not None,
            dossier.choice_confirmed,
        ]
    )
    return ChoiceProgress(required=required, filled=filled)


def _has_locations(dossier) -> bool:
    return _locations(dossier.mbo_school_id).exists()
