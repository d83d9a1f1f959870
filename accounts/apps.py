from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisaties en gebruikers")

    def ready(self) -> None:
        from django.urls import register_converter

        from . import retention_rules, signals  # noqa: F401
        from .admin_security import name_in_dutch
        from .converters import IdConverter

        name_in_dutch()
        # Every app's addresses take ids as <id:pk> (bounded), loaded after the apps are ready.
        register_converter(IdConverter, "id")
