from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.access import GEMEENTE_ROLES, MBO_ROLES, VO_ROLES
from accounts.views.planned import PlannedScreenView

from .views import overview, pupil

app_name = "students"

urlpatterns = [
    path("leerlingen/", overview.OverviewView.as_view(), name="overzicht"),
    path("leerlingen/toevoegen/", pupil.add_pupil, name="toevoegen"),
    path("leerlingen/<int:pk>/", pupil.pupil_page, name="leerling"),
    path("leerlingen/<int:pk>/gegevens/", pupil.edit_pupil, name="bewerken"),
    path("leerlingen/<int:pk>/verwijderen/", pupil.delete_pupil_view, name="verwijderen"),
    path(
        "oud-leerlingen/",
        PlannedScreenView.as_view(
            roles=VO_ROLES,
            title=_("Oud leerlingen"),
            description=_(
                "Hier volgt u de leerlingen van vorig schooljaar nog één jaar, met een overzicht als PDF of Excel."
            ),
        ),
        name="oud",
    ),
    path(
        "aanmeldingen/",
        PlannedScreenView.as_view(
            roles=MBO_ROLES,
            title=_("Aanmeldingen"),
            description=_(
                "Hier ziet u de leerlingen die zich bij uw mbo-school hebben aangemeld, met hun status en, "
                "zodra de vo-school het heeft verstuurd, hun doorstroomformulier."
            ),
        ),
        name="aanmeldingen",
    ),
    path(
        "gemeente/leerlingen/",
        PlannedScreenView.as_view(
            roles=GEMEENTE_ROLES,
            title=_("Leerlingen in de gemeente"),
            description=_(
                "Hier ziet u alle leerlingen die in uw gemeente wonen, met de stand van hun aanmeldingen, "
                "en schrijft u gemeente-opmerkingen."
            ),
        ),
        name="gemeente",
    ),
    path(
        "gemeente/monitor/",
        PlannedScreenView.as_view(
            roles=GEMEENTE_ROLES,
            title=_("Monitor"),
            description=_(
                "Hier ziet u per school en voor de hele gemeente hoeveel leerlingen in elke status zitten en "
                "wie nog geen aanmelding of plaatsing heeft."
            ),
        ),
        name="monitor",
    ),
]
