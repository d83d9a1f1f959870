from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("", RedirectView.as_view(pattern_name="notifications:meldingen", permanent=False)),
    path("meldingen/", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("students.urls")),
    path("", include("doorstroom.urls")),
    path("", include("gemeente.urls")),
    path("", include("verzuim.urls")),
    path("monitor/", include("monitor.urls")),
    path("groepen/", include("groups.urls")),
    path("terugkoppeling/", include("feedback.urls")),
    path("api/v1/", include("feedback.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

handler404 = "voroc.views.page_not_found"
handler500 = "voroc.views.server_error"
