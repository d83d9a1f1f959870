from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (the monthly reports' retention period and inzage section)
