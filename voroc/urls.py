from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("", views.home),
    path("meldingen/", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("students.urls")),
    path("", include("doorstroom.urls")),
    path("", include("gemeente.urls")),
    path("", include("verzuim.urls")),
    path("leerling/", include("dossier.urls")),
    path("leerlingaccounts/", include("dossier.school_urls")),
    path("mentordeel/", include("dossier.mentor_urls")),
    path("mbo/dossiers/", include("dossier.mbo_urls")),
    path("doorstroomdossiers/", include("dossier.dossiers_urls")),
    path("monitor/", include("monitor.urls")),
    path("groepen/", include("groups.urls")),
    path("terugkoppeling/", include("feedback.urls")),
    path("api/v1/", include("feedback.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

handler404 = "voroc.views.page_not_found"
handler500 = "voroc.views.server_error"
