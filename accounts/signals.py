"""Account events other apps listen to (the audit log), and what a login starts."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from .middleware import start_session

# Sent with ``user`` and ``how`` ("profiel" or "herstellink") after a password was changed.
password_changed = Signal()
# Sent with ``user`` and ``by`` when the servicedesk ended every session of a user.
sessions_ended = Signal()
# Sent with ``user``, ``by`` and ``what`` (a short description, no values) when a beheerder changed a user's account
# (Gebruikers: gegevens wijzigen, opnieuw uitnodigen).
account_changed = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
