from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Leerlingen")

    def ready(self) -> None:
        from . import admin_history, privacy, retention  # noqa: F401  (inzage sections, receivers, retention)
        from .exports import register_runner
        from .imports.report import BACKGROUND_KIND, run_in_background

        register_runner(BACKGROUND_KIND, run_in_background)
