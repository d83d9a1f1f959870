from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Leerlingen")

    def ready(self) -> None:
        from . import privacy, retention  # noqa: F401  (inzage sections and retention categories)
