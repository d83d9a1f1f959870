"""Reads on pupils' accounts, already scoped to the user.

The school's side starts from the one access rule (students.selectors.pupils_visible_to): a pupil's account is seen
by whoever sees the pupil. A leerling reaches their own record only through their own account (``own_pupil``): no
pupil id in an address can lead a leerling to anybody else.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from students.models import Pupil
from students.selectors import MANAGING_ROLES, pupils_visible_to

from .models import Dossier, PupilAccount, Registration, RegistrationStatus


def pupil_accounts_visible_to(user: User) -> QuerySet[PupilAccount]:
    """The accounts of the pupils in the user's scope (none for a leerling: the rule gives them no pupils)."""
    return PupilAccount.objects.filter(pupil__in=pupils_visible_to(user)).select_related("user", "invited_by")


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """The dossiers of the pupils in the user's scope: the school sees a pupil's dossiers through its pupil record (a
    pupil without a vo-school is in no school's scope)."""
    return Dossier.objects.filter(account__pupil__in=pupils_visible_to(user))


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    """Registrations with the school's code: for the decanen of that school only."""
    if not user.is_authenticated or user.role not in MANAGING_ROLES:
        return Registration.objects.none()
    return Registration.objects.filter(school_id=user.organisation_id)


def waiting_registrations(user: User) -> QuerySet[Registration]:
    return registrations_visible_to(user).filter(status=RegistrationStatus.SCHOOL).order_by("created_at", "pk")


def own_account(user: User) -> PupilAccount | None:
    if not user.is_authenticated or user.role != Role.LEERLING:
        return None
    return PupilAccount.objects.select_related("pupil", "pupil__school", "user__organisation").filter(user=user).first()


def own_pupil(user: User) -> Pupil | None:
    """A leerling's own pupil record at their vo-school (None without one)."""
    account = own_account(user)
    return account.pupil if account is not None else None


def own_dossiers(user: User) -> QuerySet[Dossier]:
    """A leerling's own dossiers, newest first (none for anybody else: the school sees them through its pupils)."""
    if not user.is_authenticated or user.role != Role.LEERLING:
        return Dossier.objects.none()
    return Dossier.objects.filter(account__user=user).select_related(
        "declaration", "account__pupil", "account__user", "mbo_school", "location", "opleiding"
    )


def own_dossier(user: User, pk: int) -> Dossier:
    """One of the leerling's own dossiers; any other id does not exist for them (404)."""
    return get_object_or_404(own_dossiers(user), pk=pk)
