from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Leerlingen")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun

        from . import admin_history, privacy, retention  # noqa: F401  (inzage sections, receivers, retention)
        from .exports import register_runner
        from .imports.report import BACKGROUND_KIND, run_in_background
        from .schoolyear import task_finished, task_started

        register_runner(BACKGROUND_KIND, run_in_background)
        task_prerun.connect(task_started, dispatch_uid="students.schoolyear.task_started")
        task_postrun.connect(task_finished, dispatch_uid="students.schoolyear.task_finished")
