"""Doorstroomdossiers: the school's view of where its pupils' own dossiers stand (never a leerling's)."""

from django.urls import path

from .views import standing

app_name = "dossiers"

urlpatterns = [
    path("", standing.index, name="index"),
]
