from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Terugkoppeling mbo")

    def ready(self) -> None:
        from . import privacy, receivers, retention  # noqa: F401
