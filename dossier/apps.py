from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = _("Doorstroomdossier van de leerling")

    def ready(self) -> None:
        from doorstroom.suggestions import register

        from . import privacy, receivers, retention  # noqa: F401  (inzage section, receivers, retention)
        from .takeover import offer

        register(offer)  # the pupil's answers offered in the school's doorstroomformulier
