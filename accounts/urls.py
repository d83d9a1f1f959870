from django.urls import path

from .views import auth, otp, profile, users

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
    path("gebruikers/", users.user_list, name="users"),
    path("gebruikers/nieuw/", users.user_create, name="user_create"),
    path("gebruikers/<id:pk>/verwijderen/", users.user_delete, name="user_delete"),
    path("gebruikers/<id:pk>/wijzigen/", users.user_edit, name="user_edit"),
    path("gebruikers/<id:pk>/opnieuw-uitnodigen/", users.user_reinvite, name="user_reinvite"),
    path("gebruikers/<id:pk>/verzuimmelder/", users.user_verzuimmelder, name="user_verzuimmelder"),
]
