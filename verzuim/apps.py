from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerzuimConfig(AppConfig):
    name = "verzuim"
    verbose_name = _("Verzuim")

    def ready(self) -> None:
        from . import privacy, signals  # noqa: F401
