from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Meldingen en e-mail")

    def ready(self) -> None:
        from . import privacy, receivers  # noqa: F401
