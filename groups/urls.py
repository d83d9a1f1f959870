from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.access import VO_MANAGING_ROLES
from accounts.views.planned import PlannedScreenView

app_name = "groups"

urlpatterns = [
    path(
        "",
        PlannedScreenView.as_view(
            roles=VO_MANAGING_ROLES,
            title=_("Groepen"),
            description=_(
                "Hier maakt u groepen aan, deelt u niet-ingedeelde leerlingen in en koppelt u mentoren aan groepen."
            ),
        ),
        name="index",
    ),
]
