from django.urls import path

from .views import beheer, meldingen

app_name = "verzuim"

urlpatterns = [
    path("verzuim/", meldingen.melding_list, name="lijst"),
    path("verzuim/export/", meldingen.export_view, name="export"),
    path("verzuim/<int:pk>/", meldingen.detail, name="melding"),
    path("verzuim/<int:pk>/wijzigen/", meldingen.edit, name="wijzigen"),
    path("verzuim/<int:pk>/intrekken/", meldingen.withdraw_view, name="intrekken"),
    path("verzuim/<int:pk>/status/", meldingen.status_view, name="status"),
    path("verzuim/<int:pk>/pdf/", meldingen.pdf_view, name="pdf"),
    path("verzuim/bijlagen/<int:pk>/", meldingen.bijlage_view, name="bijlage"),
    path("leerlingen/<int:pk>/verzuim/", meldingen.new, name="nieuw"),
    path("verzuim/locaties/", beheer.beheer, {"kind": "locaties"}, name="locaties"),
    path("verzuim/locaties/<int:pk>/", beheer.beheer_item, {"kind": "locaties"}, name="locatie"),
    path("verzuim/melders/", beheer.beheer, {"kind": "melders"}, name="melders"),
    path("verzuim/melders/<int:pk>/", beheer.beheer_item, {"kind": "melders"}, name="melder"),
]
