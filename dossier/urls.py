"""The pupil's pages (a leerling may open these, and the public ones to make an account)."""

from django.urls import path

from .views import akkoord, fill, home, mentor, public

app_name = "leerling"

urlpatterns = [
    path("", home.home, name="home"),
    path("dossier/nieuw/", home.new, name="nieuw"),
    path("dossier/<int:pk>/", fill.fill, name="dossier"),
    path("dossier/<int:pk>/zoeken/", fill.search, name="zoeken"),
    path("dossier/<int:pk>/opsturen/", mentor.send, name="opsturen"),
    path("dossier/<int:pk>/nieuwe-link/", mentor.resend, name="nieuwe_link"),
    path("dossier/<int:pk>/terughalen/", home.take_back_view, name="terughalen"),
    path("dossier/<int:pk>/verwijderen/", home.remove, name="verwijderen"),
    path("dossier/<int:pk>/akkoordverklaring/", akkoord.akkoord, name="akkoord"),
    path("dossier/<int:pk>/akkoordverklaring/verstuurd/", akkoord.sent, name="akkoord_verstuurd"),
    path("dossier/<int:pk>/wat-is-verstuurd/", akkoord.receipt, name="wat_verstuurd"),
    path("akkoordverklaring/<int:pk>/pdf/", akkoord.receipt_pdf, name="akkoord_pdf"),
    path("akkoordverklaring/<int:pk>/intrekken/", akkoord.withdraw_view, name="intrekken"),
    path("account-maken/", public.register_with_code, name="registreren"),
    path("zelf-registreren/", public.register_without_school, name="zelf_registreren"),
    path("account-maken/verstuurd/", public.sent, name="verstuurd"),
    path("account-maken/klaar/", public.done, name="klaar"),
    path("bevestigen/<str:token>/", public.verify, name="bevestigen"),
    path("uitnodiging/<str:token>/", public.invitation, name="uitnodiging"),
]
