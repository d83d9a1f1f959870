from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import start_session


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
