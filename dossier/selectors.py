"""Reads on pupils' accounts, already scoped to the user.

The school's side starts from the one access rule (students.selectors.pupils_visible_to): a pupil's account is seen
by whoever sees the pupil. A leerling reaches their own record only through their own account (``own_pupil``): no
pupil id in an address can lead a leerling to anybody else.

A dossier reaches an mbo-school only through an akkoordverklaring (Consent) to that school: the consent is the grant,
for a pupil with a record at a vo-school and for one without (MBO-MBO, Werk(loos)-MBO). ``consents_received_by`` is
that rule: the ROC-gebruiker of the school, consents not withdrawn, dossiers sent. Anything else does not exist for
the mbo-school (404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from students.models import Pupil
from students.selectors import MANAGING_ROLES, pupils_visible_to

from .models import Consent, Dossier, DossierState, PupilAccount, Registration, RegistrationStatus


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
    return Dossier.objects.filter(account__user=user).select_related(*_DOSSIER_RELATED)


_DOSSIER_RELATED = ("declaration", "account__user", "account__pupil", "mbo_school", "location", "opleiding")


def at_mentor(user: User) -> QuerySet[Dossier]:
    """The dossiers at this mentor now: sent to them by the pupil, whose choice is the ground for reading it (a mentor
    of the school picked from the pupil's own groups first, then the school's; dossier/mentor.py)."""
    if not user.is_authenticated or user.role == Role.LEERLING:
        return Dossier.objects.none()
    return Dossier.objects.filter(mentor=user, state=DossierState.BIJ_MENTOR).select_related(*_DOSSIER_RELATED)


def opened_by_link(pk: int, grant: str) -> Dossier | None:
    """The dossier a mentor's single-use link opened in this browser (the view keeps its id and the grant in the
    session), while it is still at that mentor by that link (dossier/mentor.py, ``opened_grant``)."""
    if not grant:
        return None
    return (
        Dossier.objects.filter(pk=pk, state=DossierState.BIJ_MENTOR, mentor__isnull=True, mentor_token=grant)
        .select_related(*_DOSSIER_RELATED)
        .first()
    )


def locked_dossier(pk: int) -> Dossier:
    """A dossier for a write (inside the caller's transaction): its own row locked, with what the writes read. Only
    the row's own table: PostgreSQL refuses FOR UPDATE on the nullable side of the joins (pupil, mentor)."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related(*_DOSSIER_RELATED, "account__pupil__school", "mentor")
        .get(pk=pk)
    )


def own_dossier(user: User, pk: int) -> Dossier:
    """One of the leerling's own dossiers; any other id does not exist for them (404)."""
    return get_object_or_404(own_dossiers(user), pk=pk)


def own_consents(user: User) -> QuerySet[Consent]:
    """A leerling's own akkoordverklaringen (withdrawn ones too: the receipt shows every one), newest first."""
    if not user.is_authenticated or user.role != Role.LEERLING:
        return Consent.objects.none()
    return Consent.objects.filter(dossier__account__user=user).select_related(
        "dossier", "dossier__declaration", "mbo_school", "declaration"
    )


def own_consent(user: User, pk: int) -> Consent:
    return get_object_or_404(own_consents(user), pk=pk)


def consents_received_by(user: User) -> QuerySet[Consent]:
    """The dossiers an mbo-school's user may read: agreed to for their own school, not withdrawn."""
    if not user.is_authenticated or not user.is_active or user.role != Role.ROC or user.organisation_id is None:
        return Consent.objects.none()
    return Consent.objects.filter(
        mbo_school_id=user.organisation_id, withdrawn_at__isnull=True, dossier__state=DossierState.VERSTUURD
    ).select_related("dossier", "dossier__account", "dossier__account__pupil", "declaration", "mbo_school")


def received_consent(user: User, pk: int) -> Consent:
    """One received dossier; withdrawn, another school's, or never agreed to: 404."""
    return get_object_or_404(consents_received_by(user), pk=pk)


def consents_received_for(user: User, pupil: Pupil) -> QuerySet[Consent]:
    """The dossiers of this pupil the user's mbo-school received (beside the school's doorstroomformulier)."""
    return consents_received_by(user).filter(dossier__account__pupil=pupil).defer("snapshot")
