"""Writes on users: profile, password, password reset. Keyword-only, validated, atomic."""

from __future__ import annotations

import logging

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .mail import send_templated_mail
from .models import VO_STAFF_ROLES, Organisation, User
from .once import earlier_post
from .selectors import staff_of
from .signals import account_changed, sessions_ended
from .versions import check_version, fingerprint

log = logging.getLogger(__name__)

# At most one reset mail per account in this many seconds, so nobody can flood a mailbox.
RESET_MAIL_INTERVAL = 5 * 60

PROFILE_FIELDS = ("aanhef", "voornaam", "tussenvoegsel", "achternaam", "telefoon", "email", "meldingen_digest")


@transaction.atomic
def update_profile(*, user: User, data: dict, confirm: bool = False) -> User:
    """Save the editable profile fields; ``confirm`` marks the first-login check as done."""
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    if confirm:
        user.profile_checked_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*PROFILE_FIELDS, "profile_checked_at"])
    return user


@transaction.atomic
def end_sessions(*, user: User, by: User | None) -> None:
    """End every session of ``user`` now (a lost laptop, someone who left): the next request logs them out."""
    user.sessions_ended_at = timezone.now()
    user.save(update_fields=["sessions_ended_at"])
    sessions_ended.send(sender=User, user=user, by=by)


def send_password_changed_mail(*, user: User) -> None:
    if user.email:
        send_templated_mail(
            to=[user.email],
            subject=_("VOROC: uw wachtwoord is gewijzigd"),
            template="accounts/mail/password_changed",
            context={"user": user, "when": timezone.localtime()},
        )


def set_password_url(user: User) -> str:
    """A one-time link to choose a password; it stops working once used and after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.VOROC_BASE_URL.rstrip("/") + path


def _mail_password_link(*, user: User, subject: str, template: str) -> None:
    context = {
        "user": user,
        "reset_url": set_password_url(user),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    send_templated_mail(to=[user.email], subject=subject, template=template, context=context)


def request_password_reset(*, username: str) -> None:
    """Mail a one-time reset link if the login name exists; the caller answers the same either way."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not user.email:
        log.info("password reset requested for an unknown account or one without e-mail address")
        return
    if not cache.add(f"voroc:password-reset:{user.pk}", 1, timeout=RESET_MAIL_INTERVAL):
        log.info("password reset mail held back: one was sent less than %s seconds ago", RESET_MAIL_INTERVAL)
        return
    template = "accounts/mail/password_reset_leerling" if user.is_leerling else "accounts/mail/password_reset"
    _mail_password_link(user=user, subject=_("VOROC: nieuw wachtwoord instellen"), template=template)


@transaction.atomic
def invite_user(*, user: User) -> User:
    """Save a new account without a password and mail the person a link to choose one.

    Nobody else ever knows the password: not the servicedesk, not the decaan schoolbeheerder.
    """
    if not user.email:
        raise ValidationError({"email": _("Een nieuwe gebruiker heeft een e-mailadres nodig voor de uitnodiging.")})
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _mail_password_link(
        user=user, subject=_("Welkom bij VOROC: kies uw wachtwoord"), template="accounts/mail/invitation"
    )
    return user


def unlock_login(*, username: str) -> int:
    """Lift a lockout (too many wrong passwords) for one login name; returns how many records went."""
    return reset(username=username)


@transaction.atomic
def create_school_user(*, school: Organisation, data: dict) -> User:
    """Gebruiker toevoegen by a decaan schoolbeheerder: always at their own school, never servicedesk."""
    if data.get("role") not in VO_STAFF_ROLES:
        raise ValidationError({"role": _("Kies een rol van een vo-school.")})
    same = earlier_post(
        staff_of(school),
        at="date_joined",
        username=data.get("username"),
        email__iexact=data.get("email"),
    )
    if same is not None:  # the form posted twice (a double click, the back button): one user, one invitation
        return same
    user = User(organisation=school, **data)
    return invite_user(user=user)


SCHOOL_USER_FIELDS = ("role", "aanhef", "voornaam", "tussenvoegsel", "achternaam", "email")


@transaction.atomic
def user_version(user: User) -> str:
    """The ``versie`` of the user data Gegevens wijzigen shows (accounts/versions.py)."""
    return fingerprint({name: getattr(user, name) for name in SCHOOL_USER_FIELDS})


@transaction.atomic
def update_school_user(*, actor: User, user: User, data: dict, version: str | None = None) -> list[str]:
    """Change name, role or e-mail address of a user of the actor's own school; returns the fields changed (recorded
    in the audit log by name, not by value). A beheerder does not change their own role. ``version``: the ``versie``
    of the page it was typed on; when another beheerder changed the user since, nothing is written (StaleVersion)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(
        posted=version,
        current=user_version(user),
        what=[
            str(getattr(User._meta.get_field(name), "verbose_name", name))
            for name in SCHOOL_USER_FIELDS
            if name in data and getattr(user, name) != data[name]
        ],
    )
    if user.organisation_id != actor.organisation_id or not user.is_vo_staff:
        raise ValidationError(_("Deze gebruiker hoort niet bij uw school."))
    if data.get("role") not in VO_STAFF_ROLES:
        raise ValidationError({"role": _("Kies een rol van een vo-school.")})
    if user.pk == actor.pk and data["role"] != user.role:
        raise ValidationError({"role": _("Uw eigen rol kunt u niet wijzigen.")})
    changed = [name for name in SCHOOL_USER_FIELDS if getattr(user, name) != data[name]]
    if not changed:
        return []
    for name in changed:
        setattr(user, name, data[name])
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed)
    account_changed.send(sender=User, user=user, by=actor, what=f"gewijzigd: {', '.join(changed)}")
    return changed


def reinvite_school_user(*, actor: User, user: User) -> None:
    """Send the invitation again (a new link to choose a password) to a user of the own school who has not chosen one
    yet: the first link works for a limited time."""
    if user.organisation_id != actor.organisation_id or not user.is_vo_staff:
        raise ValidationError(_("Deze gebruiker hoort niet bij uw school."))
    if user.has_usable_password():
        raise ValidationError(
            _("Deze gebruiker heeft al een wachtwoord; die kan zelf ‘Wachtwoord vergeten’ gebruiken.")
        )
    _mail_password_link(
        user=user, subject=_("Welkom bij VOROC: kies uw wachtwoord"), template="accounts/mail/invitation"
    )
    account_changed.send(sender=User, user=user, by=actor, what="uitnodiging opnieuw gestuurd")


@transaction.atomic
def delete_school_user(*, actor: User, user: User) -> None:
    """Remove a user of the actor's own school. Their mentor links go with them; pupils they entered stay."""
    if user.pk == actor.pk:
        raise ValidationError(_("U kunt uw eigen account niet verwijderen."))
    if user.organisation_id != actor.organisation_id:
        raise ValidationError(_("Deze gebruiker hoort niet bij uw school."))
    user.delete()


def set_verzuimmelder(*, actor: User, user: User, allowed: bool) -> None:
    """The right "verzuimmelder" for a vo user of the actor's own school (decaan and zorgcoördinator have it by
    role)."""
    if user.organisation_id != actor.organisation_id or not user.is_vo_staff:
        raise ValidationError(_("Deze gebruiker hoort niet bij uw school."))
    if user.verzuimmelder == allowed:
        return
    user.verzuimmelder = allowed
    user.save(update_fields=["verzuimmelder"])
