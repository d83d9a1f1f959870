"""Writes on pupils' accounts: the school's invitation, the school's code, a registration with it or without a
school, the decaan's confirmation. Keyword-only, validated, atomic; every step is written to the audit log."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import send_templated_mail
from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.once import earlier_post
from audit.models import Action
from audit.services import record_event
from notifications.models import MeldingKind
from notifications.services import notify
from students.models import Pupil
from students.models.pupil import fold
from students.schoolyear import current_school_year
from students.selectors import EDITING_ROLES, MANAGING_ROLES

from .models import (
    CODE_VALID,
    INVITATION_VALID,
    VERIFICATION_VALID,
    AccountSource,
    AccountState,
    PupilAccount,
    Registration,
    RegistrationKind,
    RegistrationStatus,
    SchoolCode,
    WaitReason,
)
from .tokens import digest, new_code, new_token, normalise_code

PUPILS_WITHOUT_SCHOOL_CODE = "LEERLINGEN"
PUBLIC_ACTOR = "leerling (registratiepagina)"


def _url(name: str, token: str) -> str:
    return settings.VOROC_BASE_URL.rstrip("/") + reverse(name, args=[token])


def name_key(text: str) -> str:
    """A name as the match compares it: folded (case and diacritics do not count, as in the lists' order) and
    without spaces, dashes and apostrophes ("De Vries", "de vries" and "devries" are one)."""
    return re.sub(r"[^a-z0-9]", "", fold(text or ""))


def new_username(voornaam: str, achternaam: str) -> str:
    """A free login name from the name: "daniel.ozturk", else "daniel.ozturk2", …"""
    base = ".".join(part for part in (name_key(voornaam), name_key(achternaam)) if part)[:60] or "leerling"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def pupils_without_school() -> Organisation:
    """The organisation of pupils without a vo-school (made the first time one registers)."""
    org, _created = Organisation.objects.get_or_create(
        code=PUPILS_WITHOUT_SCHOOL_CODE,
        defaults={"kind": OrganisationKind.LEERLINGEN, "name": "Leerlingen zonder vo-school"},
    )
    return org


def email_in_use(email: str, *, except_user: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email.strip())
    if except_user is not None:
        users = users.exclude(pk=except_user.pk)
    return users.exists()


def _new_leerling(*, organisation: Organisation, voornaam: str, tussenvoegsel: str, achternaam: str, email: str,
                  active: bool = True) -> User:  # fmt: skip
    user = User(
        username=new_username(voornaam, f"{tussenvoegsel} {achternaam}"),
        organisation=organisation,
        role=Role.LEERLING,
        voornaam=voornaam,
        tussenvoegsel=tussenvoegsel,
        achternaam=achternaam,
        email=email,
        is_active=active,
        # A pupil's name comes from the school or from themselves: no first-login check of it.
        profile_checked_at=timezone.now(),
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


# --- the school invites a pupil ----------------------------------------------------------------------------------
def _check_inviter(actor: User, pupil: Pupil) -> None:
    if actor.role not in EDITING_ROLES or pupil.school_id != actor.organisation_id:
        raise ValidationError(_("U kunt alleen leerlingen van uw eigen school uitnodigen."))


def _mail_invitation(account: PupilAccount, token: str) -> None:
    user = account.user
    send_templated_mail(
        to=[account.invite_email],
        subject=_("VOROC: je account voor je doorstroomdossier"),
        template="dossier/mail/invitation",
        context={
            "user": user,
            "school": user.organisation.name,
            "url": _url("leerling:uitnodiging", token),
            "valid_days": INVITATION_VALID.days,
            "until": timezone.localtime(account.invite_expires_at),
        },
        about_pupil_id=account.pupil_id,
    )


def _send_invitation(account: PupilAccount, *, actor: User, email: str) -> None:
    token, token_digest = new_token()
    now = timezone.now()
    account.invite_token = token_digest
    account.invite_email = email
    account.invited_at = now
    account.invited_by = actor
    account.invite_expires_at = now + INVITATION_VALID
    account.save(update_fields=["invite_token", "invite_email", "invited_at", "invited_by", "invite_expires_at"])
    _mail_invitation(account, token)


@transaction.atomic
def invite_pupil(*, actor: User, pupil: Pupil, email: str) -> PupilAccount:
    """Make the pupil's account (no password yet) and mail a link to choose one, valid INVITATION_VALID. A pupil who
    was invited already gets a new link (the old one stops working); one with an active account cannot be invited.
    The same invitation posted twice (a double click) sends one mail."""
    _check_inviter(actor, pupil)
    email = email.strip().lower()
    account = PupilAccount.objects.select_related("user").filter(pupil=pupil).first()
    if account is not None:
        return reinvite_pupil(actor=actor, account=account, email=email)
    if email_in_use(email):
        raise ValidationError({"email": _("Dit e-mailadres is al in gebruik in VOROC. Vul een ander adres in.")})
    user = _new_leerling(
        organisation=pupil.school,
        voornaam=pupil.voornaam,
        tussenvoegsel=pupil.tussenvoegsel,
        achternaam=pupil.achternaam,
        email=email,
    )
    account = PupilAccount(user=user, pupil=pupil, source=AccountSource.UITNODIGING)
    account.full_clean(exclude=["user", "pupil"])
    account.save()
    _send_invitation(account, actor=actor, email=email)
    record_event(Action.CREATE, summary="leerlingaccount: uitnodiging gestuurd", pupil=pupil)
    return account


def invite_group(*, actor: User, pupils: list[Pupil]) -> tuple[list[PupilAccount], list[Pupil]]:
    """Invite the ticked pupils of a group at the address of their pupil record, each in a transaction of its own.
    A pupil with an account already (the form posted twice) or whose address is in use is skipped and returned."""
    invited, skipped = [], []
    for pupil in pupils:
        if PupilAccount.objects.filter(pupil=pupil).exists() or not pupil.email or email_in_use(pupil.email):
            skipped.append(pupil)
            continue
        invited.append(invite_pupil(actor=actor, pupil=pupil, email=pupil.email))
    return invited, skipped


@transaction.atomic
def reinvite_pupil(*, actor: User, account: PupilAccount, email: str | None = None) -> PupilAccount:
    """Send the invitation again, perhaps to another address: a new link, the old one stops working."""
    account = PupilAccount.objects.select_for_update(of=("self",)).select_related("user", "pupil").get(pk=account.pk)
    if account.pupil is None:
        raise ValidationError(_("Dit account hoort niet bij een leerling van uw school."))
    _check_inviter(actor, account.pupil)
    if account.state in (AccountState.ACTIEF, AccountState.WACHT):
        raise ValidationError(_("Deze leerling heeft al een actief account."))
    email = (email or account.invite_email or account.user.email).strip().lower()
    same = earlier_post(
        PupilAccount.objects.filter(pk=account.pk, invited_by=actor), at="invited_at", invite_email__iexact=email
    )
    if same is not None:  # posted twice: the mail went a moment ago
        return same
    if email_in_use(email, except_user=account.user):
        raise ValidationError({"email": _("Dit e-mailadres is al in gebruik in VOROC. Vul een ander adres in.")})
    if account.user.email != email:
        account.user.email = email
        account.user.save(update_fields=["email"])
    _send_invitation(account, actor=actor, email=email)
    record_event(Action.CHANGE, summary="leerlingaccount: uitnodiging opnieuw gestuurd", pupil=account.pupil)
    return account


@transaction.atomic
def remove_account(*, actor: User, account: PupilAccount) -> None:
    """Opheffen (a decaan): the pupil's login goes (a wrong link, someone else's registration); the pupil record stays
    and can be invited again."""
    pupil = account.pupil
    if actor.role not in MANAGING_ROLES or pupil is None or pupil.school_id != actor.organisation_id:
        raise ValidationError(_("Alleen de decaan van de school heft het account van een leerling op."))
    User.objects.filter(pk=account.user_id, role=Role.LEERLING).delete()
    record_event(Action.DELETE, summary="leerlingaccount opgeheven", pupil=pupil)


def invitation_for(token: str) -> PupilAccount | None:
    """The account a link of an invitation is for, while the link works (once, before it expires)."""
    if not token:
        return None
    account = (
        PupilAccount.objects.select_related("user", "user__organisation")
        .filter(invite_token=digest(token), activated_at__isnull=True, invite_expires_at__gt=timezone.now())
        .first()
    )
    return account


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> User:
    """The pupil chose a password through the invitation: the account is active, the link used up."""
    account = invitation_for(token)
    if account is None:
        raise ValidationError(_("Deze link werkt niet meer."))
    account = PupilAccount.objects.select_for_update(of=("self",)).select_related("user", "pupil").get(pk=account.pk)
    if account.activated_at is not None:
        raise ValidationError(_("Deze link werkt niet meer."))
    user = account.user
    user.set_password(password)
    user.save(update_fields=["password"])
    account.invite_token = ""
    account.activated_at = timezone.now()
    account.save(update_fields=["invite_token", "activated_at"])
    record_event(Action.PASSWORD, user=user, summary="leerlingaccount: wachtwoord gekozen via de uitnodiging")
    return user


# --- the school's invitation code --------------------------------------------------------------------------------
def current_code(school: Organisation) -> SchoolCode | None:
    return (
        SchoolCode.objects.filter(school=school, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def _check_code_manager(actor: User) -> None:
    if actor.role not in MANAGING_ROLES:
        raise ValidationError(_("Alleen de decaan beheert de schooluitnodigingscode."))


@transaction.atomic
def create_code(*, actor: User) -> SchoolCode:
    """A new code for the actor's school, valid CODE_VALID; a code in use is revoked (renewing). Posted twice: the
    code made a moment ago."""
    _check_code_manager(actor)
    same = earlier_post(SchoolCode.objects.filter(school_id=actor.organisation_id, revoked_at__isnull=True),
                        at="created_at", created_by=actor)  # fmt: skip
    if same is not None:
        return same
    now = timezone.now()
    renewed = SchoolCode.objects.filter(school_id=actor.organisation_id, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    code = SchoolCode(
        school_id=actor.organisation_id, code=new_code(), created_by=actor, created_at=now, expires_at=now + CODE_VALID
    )
    while SchoolCode.objects.filter(code=code.code).exists():  # pragma: no cover - 8 × 10^17 codes
        code.code = new_code()
    code.full_clean()
    code.save()
    record_event(Action.CREATE, summary="schooluitnodigingscode " + ("vernieuwd" if renewed else "aangemaakt"))
    return code


@transaction.atomic
def revoke_code(*, actor: User) -> int:
    _check_code_manager(actor)
    count = SchoolCode.objects.filter(school_id=actor.organisation_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if count:
        record_event(Action.DELETE, summary="schooluitnodigingscode ingetrokken")
    return count


def school_for_code(text: str) -> SchoolCode | None:
    """The code in use that a pupil typed, or None (unknown, expired, revoked)."""
    code = normalise_code(text)
    if not code:
        return None
    return (
        SchoolCode.objects.select_related("school")
        .filter(code=code, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


# --- a pupil registers (with the code, or without a vo-school) -------------------------------------------------
@transaction.atomic
def start_registration(*, data: dict, code: SchoolCode | None) -> Registration | None:
    """Keep what the pupil typed and mail a link to check the e-mail address. An address that has an account
    already gets a mail saying so instead (the page says the same either way: nothing about who has an account)."""
    email = data["email"].strip().lower()
    if email_in_use(email):
        send_templated_mail(
            to=[email],
            subject=_("VOROC: je hebt al een account"),
            template="dossier/mail/already_registered",
            context={"login_url": settings.VOROC_BASE_URL.rstrip("/") + reverse("accounts:login")},
        )
        record_event(Action.CREATE, name=PUBLIC_ACTOR, summary="registratie: e-mailadres heeft al een account")
        return None
    token, token_digest = new_token()
    registration = Registration(
        kind=RegistrationKind.SCHOOLCODE if code else RegistrationKind.ZELF,
        school=code.school if code else None,
        code=code,
        voornaam=data["voornaam"].strip(),
        achternaam=data["achternaam"].strip(),
        geboortedatum=data["geboortedatum"],
        email=email,
        token=token_digest,
        token_expires_at=timezone.now() + VERIFICATION_VALID,
    )
    registration.full_clean()
    registration.save()
    send_templated_mail(
        to=[email],
        subject=_("VOROC: bevestig je e-mailadres"),
        template="dossier/mail/verify_email",
        context={
            "registration": registration,
            "url": _url("leerling:bevestigen", token),
            "valid_days": VERIFICATION_VALID.days,
        },
    )
    record_event(
        Action.CREATE,
        name=PUBLIC_ACTOR,
        summary=f"registratie {registration.get_kind_display()} gestart"
        + (f" ({registration.school.code})" if registration.school else ""),
    )
    return registration


def registration_for(token: str) -> Registration | None:
    """The registration whose e-mail check the link is, while it works (once, before it expires)."""
    if not token:
        return None
    return (
        Registration.objects.select_related("school")
        .filter(token=digest(token), status=RegistrationStatus.EMAIL, token_expires_at__gt=timezone.now())
        .first()
    )


def matching_pupils(registration: Registration) -> list[Pupil]:
    """The school's pupils of this school year with the registration's first name, last name (with or without
    tussenvoegsel) and date of birth; case and diacritics do not count."""
    candidates = Pupil.objects.filter(
        school_id=registration.school_id,
        school_year=current_school_year(),
        geboortedatum=registration.geboortedatum,
    ).select_related("account")
    first, last = name_key(registration.voornaam), name_key(registration.achternaam)
    return [
        p
        for p in candidates
        if name_key(p.voornaam) == first
        and last in (name_key(p.achternaam), name_key(f"{p.tussenvoegsel} {p.achternaam}"))
    ]


@transaction.atomic
def complete_registration(*, token: str, password: str) -> Registration:
    """The pupil clicked the link in the mail (the address is theirs) and chose a password.

    Without a vo-school the account is active at once. With the school's code: one pupil of this school year with
    this name and date of birth, without an account yet, links it and the account is active; otherwise the
    registration waits for the decaan (a melding for each decaan of the school) and the account until then."""
    registration = registration_for(token)
    if registration is None:
        raise ValidationError(_("Deze link werkt niet meer."))
    registration = Registration.objects.select_for_update(of=("self",)).select_related("school").get(pk=registration.pk)
    if registration.status != RegistrationStatus.EMAIL:
        raise ValidationError(_("Deze link werkt niet meer."))
    if email_in_use(registration.email):  # an account was made for this address meanwhile
        raise ValidationError(_("Er is al een account met dit e-mailadres. Log in, of gebruik ‘Wachtwoord vergeten?’."))
    now = timezone.now()
    registration.token = ""
    registration.verified_at = now
    match: Pupil | None = None
    if registration.kind == RegistrationKind.SCHOOLCODE:
        found = matching_pupils(registration)
        without_account = [p for p in found if not hasattr(p, "account")]
        if len(found) == 1 and without_account:
            match = found[0]
        else:
            registration.reason = (
                WaitReason.GEEN if not found else WaitReason.MEERDERE if len(found) > 1 else WaitReason.ACCOUNT
            )
    organisation = registration.school or pupils_without_school()
    if match is not None:
        names = {"voornaam": match.voornaam, "tussenvoegsel": match.tussenvoegsel, "achternaam": match.achternaam}
    else:
        names = {"voornaam": registration.voornaam, "tussenvoegsel": "", "achternaam": registration.achternaam}
    waits = registration.kind == RegistrationKind.SCHOOLCODE and match is None
    user = _new_leerling(organisation=organisation, email=registration.email, active=not waits, **names)
    user.password = make_password(password)
    user.save(update_fields=["password"])
    PupilAccount.objects.create(
        user=user,
        pupil=match,
        source=AccountSource.SCHOOLCODE if registration.kind == RegistrationKind.SCHOOLCODE else AccountSource.ZELF,
        activated_at=None if waits else now,
    )
    registration.user = user
    registration.pupil = match
    if waits:
        registration.status = RegistrationStatus.SCHOOL
    elif match is not None:
        registration.status = RegistrationStatus.GEKOPPELD
    else:
        registration.status = RegistrationStatus.ACTIEF
    registration.save()
    if match is not None:
        record_event(Action.CREATE, name=PUBLIC_ACTOR, summary="leerlingaccount met schoolcode: gekoppeld", pupil=match)
        _tell_the_known_address(match, registration)
    elif waits:
        record_event(Action.CREATE, name=PUBLIC_ACTOR,
                     summary=f"leerlingaccount met schoolcode: wacht op de decaan ({registration.reason})")  # fmt: skip
        _tell_the_decanen(registration)
    else:
        record_event(Action.CREATE, name=PUBLIC_ACTOR, summary="leerlingaccount zonder vo-school: aangemaakt")
    return registration


def masked(email: str) -> str:
    """ "sanne.devries@example.com" → "s…@example.com": enough to recognise one's own address, not to learn one."""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}…@{domain}"


def _tell_the_known_address(pupil: Pupil, registration: Registration) -> None:
    """Name and date of birth are no secret among classmates: when an account is linked to a pupil with another
    address than the one the school has, the school's address hears of it (and can tell the decaan)."""
    if not pupil.email or pupil.email.strip().lower() == registration.email:
        return
    send_templated_mail(
        to=[pupil.email],
        subject=_("VOROC: er is een account gemaakt met je gegevens"),
        template="dossier/mail/linked_notice",
        context={"pupil": pupil, "school": pupil.school.name, "masked_email": masked(registration.email)},
        about_pupil_id=pupil.pk,
    )


def _tell_the_decanen(registration: Registration) -> None:
    """A melding for each decaan of the school (not for the mentors: the registration names no pupil of theirs)."""
    school = registration.school
    if school is None:
        return
    link = reverse("leerlingaccounts:verzoek", args=[registration.pk])
    text = _(
        "Een leerling heeft een account aangemaakt met de schooluitnodigingscode (%(name)s). Bevestig wie het is."
    ) % {"name": registration.full_name}
    decanen = User.objects.filter(organisation=school, role__in=MANAGING_ROLES, is_active=True)
    for decaan in decanen:
        notify(
            organisation=school,
            user=decaan,
            kind=MeldingKind.LEERLING,
            text=text,
            link=link,
            dedupe_key=f"registratie:{registration.pk}:{decaan.pk}",
        )


def candidates_for(registration: Registration) -> list[Pupil]:
    """The school's pupils of this school year the decaan may pick for a registration: those without an active
    account, with the same date of birth or the same first or last name, the most alike first (at most 25)."""
    first, last = name_key(registration.voornaam), name_key(registration.achternaam)
    # Without an account, or invited without a password yet (confirming replaces that invitation).
    open_invitation = Q(
        account__activated_at__isnull=True, account__user__password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    pupils = (
        Pupil.objects.filter(school_id=registration.school_id, school_year=current_school_year())
        .filter(Q(account__isnull=True) | open_invitation)
        .select_related("group")
    )
    scored = []
    for pupil in pupils:
        score = (
            (pupil.geboortedatum == registration.geboortedatum) * 2
            + (name_key(pupil.voornaam) == first)
            + (last in (name_key(pupil.achternaam), name_key(f"{pupil.tussenvoegsel} {pupil.achternaam}")))
        )
        if score:
            scored.append((-score, pupil.sort_achternaam, pupil.sort_voornaam, pupil.pk, pupil))
    return [item[-1] for item in sorted(scored)[:25]]


def _check_decider(actor: User, registration: Registration) -> None:
    if actor.role not in MANAGING_ROLES or registration.school_id != actor.organisation_id:
        raise ValidationError(_("Alleen de decaan van de school beslist over deze registratie."))
    if registration.status != RegistrationStatus.SCHOOL:
        raise ValidationError(_("Over deze registratie is al beslist."))


@transaction.atomic
def confirm_registration(*, actor: User, registration: Registration, pupil: Pupil) -> Registration:
    """The decaan says who the pupil is: the account is linked to that pupil and active; the pupil gets a mail."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    _check_decider(actor, registration)
    invited = PupilAccount.objects.select_related("user").filter(pupil=pupil).first()
    if pupil.school_id != actor.organisation_id or (invited is not None and invited.state != AccountState.UITGENODIGD
                                                    and invited.state != AccountState.VERLOPEN):  # fmt: skip
        raise ValidationError({"pupil": _("Kies een leerling van uw school die nog geen account heeft.")})
    user = registration.user
    if user is None:
        raise ValidationError(_("Het account van deze registratie bestaat niet meer."))
    if invited is not None:  # the pupil made their own account: the school's invitation is no longer needed
        User.objects.filter(pk=invited.user_id, role=Role.LEERLING).delete()
        record_event(
            Action.DELETE, summary="leerlingaccount: uitnodiging vervangen door eigen registratie", pupil=pupil
        )
    account = PupilAccount.objects.select_for_update().get(user=user)
    now = timezone.now()
    user.voornaam, user.tussenvoegsel, user.achternaam = pupil.voornaam, pupil.tussenvoegsel, pupil.achternaam
    user.is_active = True
    user.save(update_fields=["voornaam", "tussenvoegsel", "achternaam", "is_active"])
    account.pupil = pupil
    account.activated_at = now
    account.save(update_fields=["pupil", "activated_at"])
    registration.pupil = pupil
    registration.status = RegistrationStatus.BEVESTIGD
    registration.decided_at, registration.decided_by = now, actor
    registration.save(update_fields=["pupil", "status", "decided_at", "decided_by"])
    send_templated_mail(
        to=[user.email],
        subject=_("VOROC: je account is klaar"),
        template="dossier/mail/confirmed",
        context={"user": user, "login_url": settings.VOROC_BASE_URL.rstrip("/") + reverse("accounts:login")},
        about_pupil_id=pupil.pk,
    )
    record_event(Action.CHANGE, summary="leerlingaccount met schoolcode: bevestigd door de decaan", pupil=pupil)
    return registration


@transaction.atomic
def reject_registration(*, actor: User, registration: Registration) -> Registration:
    """The decaan does not recognise the pupil: the waiting account goes; the pupil gets a mail with what to do."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    _check_decider(actor, registration)
    email, user = registration.email, registration.user
    registration.status = RegistrationStatus.AFGEWEZEN
    registration.decided_at, registration.decided_by = timezone.now(), actor
    registration.user = None
    registration.save(update_fields=["status", "decided_at", "decided_by", "user"])
    if user is not None and not user.is_active:
        user.delete()
    send_templated_mail(
        to=[email],
        subject=_("VOROC: je school kon je account niet bevestigen"),
        template="dossier/mail/rejected",
        context={"registration": registration, "school": actor.organisation.name},
    )
    record_event(Action.DELETE, summary="leerlingaccount met schoolcode: afgewezen door de decaan")
    return registration
