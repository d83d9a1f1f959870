from django.urls import path

from .views import beheer, meldingen

app_name = "verzuim"

urlpatterns = [
    path("verzuim/", meldingen.melding_list, name="lijst"),
    path("verzuim/export/", meldingen.export_view, name="export"),
    path("verzuim/<id:pk>/", meldingen.detail, name="melding"),
    path("verzuim/<id:pk>/wijzigen/", meldingen.edit, name="wijzigen"),
    path("verzuim/<id:pk>/intrekken/", meldingen.withdraw_view, name="intrekken"),
    path("verzuim/<id:pk>/status/", meldingen.status_view, name="status"),
    path("verzuim/<id:pk>/pdf/", meldingen.pdf_view, name="pdf"),
    path("verzuim/bijlagen/<id:pk>/", meldingen.bijlage_view, name="bijlage"),
    path("leerlingen/<id:pk>/verzuim/", meldingen.new, name="nieuw"),
    path("verzuim/locaties/", beheer.beheer, {"kind": "locaties"}, name="locaties"),
    path("verzuim/locaties/<id:pk>/", beheer.beheer_item, {"kind": "locaties"}, name="locatie"),
    path("verzuim/melders/", beheer.beheer, {"kind": "melders"}, name="melders"),
    path("verzuim/melders/<id:pk>/", beheer.beheer_item, {"kind": "melders"}, name="melder"),
]
