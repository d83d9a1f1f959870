"""Who sees which verzuimmelding, from the one access rule (students.selectors.pupils_visible_to):

* the school: the meldingen it made about pupils in the user's scope (a mentor: those of their groups, read only);
* the gemeente: the meldingen made to it about pupils who live in it now;
* nobody else.

Who may report: the decaan (schoolbeheerder), the zorgcoördinator and any vo user the beheerder made verzuimmelder.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Role, User
from students.selectors import pupils_visible_to

from .models import Change, StatusChange, VerzuimMelding

REPORTING_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.ZORGCOORDINATOR})


def may_report(user: User) -> bool:
    return user.is_authenticated and user.is_vo_staff and (user.role in REPORTING_ROLES or user.verzuimmelder)


def meldingen_visible_to(user: User) -> QuerySet[VerzuimMelding]:
    meldingen = VerzuimMelding.objects.filter(pupil__in=pupils_visible_to(user))
    if user.role == Role.GEMEENTE:
        return meldingen.filter(gemeente_id=user.organisation_id)
    if user.is_authenticated and user.is_vo_staff:
        return meldingen.filter(school_id=user.organisation_id)
    return meldingen.none()


def with_details(meldingen: QuerySet[VerzuimMelding]) -> QuerySet[VerzuimMelding]:
    return meldingen.select_related(
        "pupil", "pupil__school", "pupil__group", "school", "gemeente", "locatie", "melder"
    ).prefetch_related(
        Prefetch("history", queryset=StatusChange.objects.select_related("organisation").order_by("at", "pk")),
        Prefetch("changes", queryset=Change.objects.order_by("at", "pk")),
        "bijlagen",
    )


def get_melding_for_user(user: User, pk: int) -> VerzuimMelding | None:
    return with_details(meldingen_visible_to(user)).filter(pk=pk).first()
