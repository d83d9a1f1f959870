"""Writes on users: profile, password, password reset. Keyword-only, validated, atomic."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .mail import send_templated_mail
from .models import User

log = logging.getLogger(__name__)

PROFILE_FIELDS = ("aanhef", "voornaam", "tussenvoegsel", "achternaam", "telefoon", "email")


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


def send_password_changed_mail(*, user: User) -> None:
    if user.email:
        send_templated_mail(
            to=[user.email],
            subject=_("VOROC: uw wachtwoord is gewijzigd"),
            template="accounts/mail/password_changed",
            context={"user": user, "when": timezone.localtime()},
        )


def request_password_reset(*, username: str) -> None:
    """Mail a one-time reset link if the login name exists; the caller answers the same either way."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        log.info("password reset requested for an unknown or unusable account")
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_templated_mail(
        to=[user.email],
        subject=_("VOROC: nieuw wachtwoord instellen"),
        template="accounts/mail/password_reset",
        context={
            "user": user,
            "reset_url": settings.VOROC_BASE_URL.rstrip("/") + path,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
