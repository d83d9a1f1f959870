from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GemeenteConfig(AppConfig):
    name = "gemeente"
    verbose_name = _("Gemeente (Leerplicht/RMC)")

    def ready(self) -> None:
        from students.exports import register_runner

        from . import privacy  # noqa: F401
        from .exports import KIND, run_residents_job

        register_runner(KIND, run_residents_job)
