from django.urls import path
from django.utils.translation import gettext_lazy as _

from .access import SCHOOL_ADMIN_ROLES
from .views import auth, otp, profile
from .views.planned import PlannedScreenView

app_name = "accounts"

urlpatterns = [
    path("inloggen/", auth.LoginView.as_view(), name="login"),
    path("uitloggen/", auth.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", auth.password_reset_request, name="password_reset"),
    path("wachtwoord-vergeten/verstuurd/", auth.password_reset_sent, name="password_reset_sent"),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("profiel/", profile.profile, name="profile"),
    path("profiel/wachtwoord/", profile.change_password, name="change_password"),
    path("profiel/controleren/", profile.profile_check, name="profile_check"),
    path("tweestapsverificatie/", otp.otp_verify, name="otp_verify"),
    path("tweestapsverificatie/instellen/", otp.otp_setup, name="otp_setup"),
    path(
        "gebruikers/",
        PlannedScreenView.as_view(
            roles=SCHOOL_ADMIN_ROLES,
            title=_("Gebruikers"),
            description=_(
                "Hier beheert de decaan schoolbeheerder de gebruikers van de school: een nieuwe gebruiker "
                "aanmaken (rol, naam, e-mail, loginnaam) en gebruikers verwijderen."
            ),
        ),
        name="users",
    ),
]
