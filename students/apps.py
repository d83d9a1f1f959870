from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Leerlingen")

    def ready(self) -> None:
        from . import admin_history, privacy, retention  # noqa: F401  (inzage sections, receivers, retention)
