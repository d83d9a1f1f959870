"""The mbo-school's screens for the dossiers pupils sent it with their akkoordverklaring (the ROC-gebruiker's)."""

from django.urls import path

from .views import mbo

app_name = "mbodossiers"

urlpatterns = [
    path("", mbo.received_list, name="lijst"),
    path("<id:pk>/", mbo.received_dossier, name="dossier"),
    path("<id:pk>/pdf/", mbo.received_pdf, name="pdf"),
]
