"""Account events into the audit log: logins, failed logins, lockouts, logouts."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.security import loggable_username
from accounts.signals import account_changed, password_changed, sessions_ended

from .models import Action
from .services import record_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    record_event(Action.LOGIN, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(Action.LOGOUT, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record_event(Action.LOGIN_FAILED, name=loggable_username(credentials.get("username")))


@receiver(user_locked_out)
def on_lockout(sender, request, username, ip_address, **kwargs) -> None:
    record_event(Action.LOCKOUT, name=loggable_username(username))


@receiver(password_changed)
def on_password_changed(sender, user, how: str, **kwargs) -> None:
    record_event(Action.PASSWORD, user=user, summary={"herstellink": "via de herstellink"}.get(how, "via Mijn profiel"))


@receiver(sessions_ended)
def on_sessions_ended(sender, user, by, **kwargs) -> None:
    record_event(Action.SESSIONS_ENDED, summary=f"alle sessies van {user.username} beëindigd")


@receiver(account_changed)
def on_account_changed(sender, user, by, what: str, **kwargs) -> None:
    record_event(Action.CHANGE, summary=f"gebruiker {user.username} {what}")
