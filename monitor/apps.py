from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        from students.exports import register_runner

        from . import privacy  # noqa: F401  (the monthly reports' retention period and inzage section)
        from .exports import KIND, run_monitor_job

        register_runner(KIND, run_monitor_job)
