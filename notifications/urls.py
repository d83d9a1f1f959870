from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.meldingen, name="meldingen"),
    path("<id:pk>/", views.open_melding, name="open"),
    path("alles-gelezen/", views.read_all, name="read_all"),
]
