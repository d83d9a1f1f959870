from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisaties en gebruikers")

    def ready(self) -> None:
        from . import retention_rules, signals  # noqa: F401
