"""Who sees which pupil: the one access rule. Every list, fetch, export and search starts here.

* decaan schoolbeheerder, decaan, zorgcoördinator: every pupil of their school, and pupils the
  servicedesk linked to their school;
* mentor: the pupils in the groups they are linked to (a django-guardian grant on the group);
* ROC-gebruiker: the pupils with an aanmelding at their mbo-school (and of those only the aanmeldingen
  there and the doorstroomformulieren sent there; not the school's pupil page);
* gemeente-gebruiker: the pupils whose address lies in their gemeente (the 4 digits of the postcode in
  accounts.GemeentePostcode), at any vo-school: read-only, and not the care steps of the form. A pupil who
  moves leaves the old gemeente's scope;
* leerling: nobody through this rule. A pupil's own record is reached only through their own account
  (dossier.selectors.own_pupil), never by a pupil id;
* everyone else: nobody.

Pupils of this school year and of the previous one (Oud leerlingen) are in view; older ones are not.

Outside the scope a pupil does not exist for the user (404). Inside it, ``PupilRights`` says what the
user may do (no right: 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from accounts.access import VO_MANAGING_ROLES, VO_ROLES
from accounts.models import GemeentePostcode, Organisation, Role, User
from audit.context import current_request
from audit.services import record_out_of_scope, record_view

from .models import Aanmelding, Pupil, SchoolLink, Source
from .schoolyear import current_school_year

SCHOOL_WIDE_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.ZORGCOORDINATOR})
MANAGING_ROLES = VO_MANAGING_ROLES
EDITING_ROLES = MANAGING_ROLES | {Role.MENTOR}
# The guardian permission that links a mentor to a group (declared on groups.Group).
MENTOR_CODENAME = "mentor"


def pupils_visible_to(user: User) -> QuerySet[Pupil]:
    # This school year's pupils, and last year's (Oud leerlingen, followed one more year); older ones drop out.
    pupils = Pupil.objects.filter(school_year__gte=current_school_year() - 1)
    if not user.is_authenticated or not user.is_active:
        return pupils.none()
    if user.role in SCHOOL_WIDE_ROLES:
        # The school's own pupils and those linked to it, as one set of ids: each half is read by its index. An OR
        # of the two conditions cannot use one, and made PostgreSQL read every pupil of the country (53 ms of the
        # Meldingen page on a national database, voroc/bench/lists.py).
        own = Pupil.objects.filter(school_id=user.organisation_id).order_by().values("pk")
        linked = SchoolLink.objects.filter(school_id=user.organisation_id).order_by().values("pupil_id")
        return pupils.filter(pk__in=own.union(linked, all=True))
    if user.role == Role.MENTOR:
        # One filter() call: both conditions on the same grant row.
        return pupils.filter(
            school_id=user.organisation_id,
            group__mentor_grants__user=user,
            group__mentor_grants__permission__codename=MENTOR_CODENAME,
        )
    if user.role == Role.ROC:
        applied = Aanmelding.objects.filter(mbo_school_id=user.organisation_id).values("pupil_id")
        return pupils.filter(pk__in=applied)
    if user.role == Role.GEMEENTE:
        return living_in(pupils, user.organisation_id)
    return pupils.none()


def postcode_area(field: str = "postcode") -> Substr:
    """The 4 digits of a postcode ("2512 AB" → "2512"): what places an address in a gemeente (indexed)."""
    return Substr(field, 1, 4)


def living_in(pupils: QuerySet[Pupil], gemeente_id: int | None) -> QuerySet[Pupil]:
    """The pupils whose address lies in the gemeente (by its postcode areas)."""
    areas = GemeentePostcode.objects.filter(gemeente_id=gemeente_id).values("postcode")
    return pupils.annotate(postcode_area=postcode_area()).filter(postcode_area__in=areas)


def gemeente_of(pupil: Pupil) -> Organisation | None:
    """The gemeente (an accounts.Organisation) the pupil's address lies in, or None (not in the region)."""
    area = (pupil.postcode or "")[:4]
    found = GemeentePostcode.objects.filter(postcode=area).select_related("gemeente").first()
    return found.gemeente if found else None


def aanmeldingen_visible_to(user: User) -> QuerySet[Aanmelding]:
    """The aanmeldingen of the pupils in scope; an mbo-school sees only the ones made at that school."""
    return aanmeldingen_of_pupils_in_scope(user).filter(pupil__in=pupils_visible_to(user))


def aanmeldingen_of_pupils_in_scope(user: User) -> QuerySet[Aanmelding]:
    """The rule's own filter on aanmeldingen, for rows joined to pupils already taken from pupils_visible_to (a
    per-pupil EXISTS, a prefetch): an mbo-school sees only the aanmeldingen made at that school."""
    aanmeldingen = Aanmelding.objects.all()
    if user.is_authenticated and user.role == Role.ROC:
        aanmeldingen = aanmeldingen.filter(mbo_school_id=user.organisation_id)
    return aanmeldingen


def groups_visible_to(user: User) -> QuerySet:
    """The groups a user may pick in the overview: all of the school, or a mentor's own."""
    if user.role not in SCHOOL_WIDE_ROLES | {Role.MENTOR}:
        return user.organisation.pupil_groups.none()
    groups = user.organisation.pupil_groups.all()
    if user.role == Role.MENTOR:
        groups = groups.filter(mentor_grants__user=user, mentor_grants__permission__codename=MENTOR_CODENAME)
    return groups.order_by("name", "pk")


def mentors_of(group: Any) -> QuerySet[User]:  # a groups.Group or None (students does not import groups)
    """The mentors linked to a group (its guardian grants), e.g. for the pupil's page and the gemeente."""
    if group is None:
        return User.objects.none()
    return User.objects.filter(
        mentorgrant__content_object=group, mentorgrant__permission__codename=MENTOR_CODENAME, is_active=True
    ).order_by("achternaam", "voornaam")


@dataclass(frozen=True)
class PupilRights:
    can_edit: bool
    can_delete: bool
    can_change_group: bool
    # The vo-school's page of the pupil (all aanmeldingen, Elders, flags): the school's own staff.
    can_view_dossier: bool = True
    # Set for an mbo-school's user: the pupil is in view as an applicant of this school only.
    mbo_school_id: int | None = None
    # Set for a gemeente's user: the pupil lives in this gemeente (read-only; no care steps).
    gemeente_id: int | None = None
    # Set for the staff of a vo-school the servicedesk linked the pupil to: the name of the pupil's own school
    # (its group is that school's, not one of theirs).
    linked_from: str = ""


def rights_for(user: User, pupil: Pupil) -> PupilRights:
    """What a user may do with a pupil already known to be in their scope."""
    if user.role == Role.ROC:
        return PupilRights(
            can_edit=False,
            can_delete=False,
            can_change_group=False,
            can_view_dossier=False,
            mbo_school_id=user.organisation_id,
        )
    if user.role == Role.GEMEENTE:
        return PupilRights(can_edit=False, can_delete=False, can_change_group=False, gemeente_id=user.organisation_id)
    own_school = pupil.school_id == user.organisation_id
    managing = user.role in MANAGING_ROLES
    return PupilRights(
        can_edit=user.role in EDITING_ROLES,
        # Only pupils this school entered itself (not imported, not entered or linked by the servicedesk).
        can_delete=managing and own_school and pupil.source == Source.SCHOOL,
        can_change_group=managing and own_school,
        linked_from="" if own_school or user.role not in VO_ROLES else pupil.school.name,
    )


def get_pupil_for_user(user: User, pk: int) -> tuple[Pupil, PupilRights]:
    """The pupil and the user's rights on it, or 404 when it lies outside the user's scope.

    The one way a screen fetches a pupil, so it is also where the audit log hears of it: a page that shows
    the pupil (GET) is a view, written once its response shows the pupil (not when the rights check that
    follows answers 403, or the page 404 or a redirect); a change is recorded by the service that makes it;
    a pupil outside the scope is recorded as such.
    """
    pupil = pupils_visible_to(user).select_related("school", "group", "created_by").filter(pk=pk).first()
    if pupil is None:
        record_out_of_scope(pk)
        raise Http404
    request = current_request()
    if request is None or request.method in ("GET", "HEAD"):
        record_view(pupil)
    return pupil, rights_for(user, pupil)
