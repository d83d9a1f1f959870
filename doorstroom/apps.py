from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoorstroomConfig(AppConfig):
    name = "doorstroom"
    verbose_name = _("Doorstroomformulieren")

    def ready(self) -> None:
        from students.exports import register_runner

        from . import audit, privacy, receivers  # noqa: F401
        from .bundle import KIND, run_bundle

        register_runner(KIND, run_bundle)
