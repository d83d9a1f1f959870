"""Deadline warnings: the day after a date in the procedure's calendar, each school that has pupils missing
it gets one melding saying how many, with a link to exactly those pupils in Leerling overzicht."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from accounts.models import Organisation, OrganisationKind
from students.models import Aanmelding, Elders, Pupil, Status
from students.schoolyear import current_school_year

from .models import Deadline, DeadlineCheck, MeldingKind
from .services import notify

OPEN = [Status.NIET_INGESCHREVEN, Status.ONTVANGSTBEVESTIGING, Status.INTAKE]


def missing(check: str, pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """The pupils that do not meet the deadline's check."""
    has_aanmelding = Exists(Aanmelding.objects.filter(pupil=OuterRef("pk")))
    has_elders = Exists(Elders.objects.filter(pupil=OuterRef("pk")))
    if check == DeadlineCheck.AANGEMELD:
        return pupils.filter(~Q(has_aanmelding), ~Q(has_elders))
    if check == DeadlineCheck.TERUGKOPPELING:
        return pupils.filter(Exists(Aanmelding.objects.filter(pupil=OuterRef("pk"), status__in=OPEN)))
    if check == DeadlineCheck.DIPLOMA:
        return pupils.filter(diploma__isnull=True)
    if check == DeadlineCheck.BESTEMMING:
        final = Exists(Aanmelding.objects.filter(pupil=OuterRef("pk"), status=Status.DEFINITIEF))
        return pupils.filter(~Q(final), ~Q(has_elders))
    raise ValueError(check)


LINKS: dict[str, str] = {
    DeadlineCheck.AANGEMELD: "bestemming=geen",
    DeadlineCheck.TERUGKOPPELING: "bestemming=aangemeld",
    DeadlineCheck.DIPLOMA: "diploma=onbekend",
    DeadlineCheck.BESTEMMING: "bestemming=open",
}


def check_all(today: datetime.date | None = None) -> int:
    """Create the meldingen for every passed deadline; returns how many are new (0 when run again)."""
    today = today or timezone.localdate()
    year = current_school_year()
    created = 0
    schools = Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL)
    for deadline in Deadline.objects.filter(active=True):
        due = deadline.date_in(year)
        if today <= due or deadline.rule not in LINKS:
            continue  # not yet, or checked by the app that owns what it is about (the forms: doorstroom)
        for school in schools.filter(region=deadline.region):
            count = missing(deadline.rule, Pupil.objects.filter(school=school, school_year=year)).count()
            created += warn(deadline=deadline, school=school, year=year, count=count, query=LINKS[deadline.rule])
    return created


def warn(*, deadline: Deadline, school: Organisation, year: int, count: int, query: str) -> bool:
    """One melding for a school that has ``count`` pupils missing a deadline (none when count is 0, or when
    the school was warned already); ``query`` picks exactly those pupils in Leerling overzicht."""
    if not count:
        return False
    due = deadline.date_in(year)
    with override("nl"):  # meldingen are stored in Dutch, the language of the procedure
        text = ngettext(
            "%(name)s (%(date)s) is verstreken: %(count)d leerling voldoet er nog niet aan.",
            "%(name)s (%(date)s) is verstreken: %(count)d leerlingen voldoen er nog niet aan.",
            count,
        ) % {"name": deadline.name, "date": due.strftime("%d-%m-%Y"), "count": count}
    made = notify(
        organisation=school,
        kind=MeldingKind.DEADLINE,
        text=text,
        link=f"{reverse('students:overzicht')}?{query}",
        dedupe_key=f"deadline:{deadline.pk}:{school.pk}:{year}",
    )
    return made is not None
