from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoorstroomConfig(AppConfig):
    name = "doorstroom"
    verbose_name = _("Doorstroomformulieren")
