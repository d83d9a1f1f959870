from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.index, name="index"),
    path("nieuw/", views.create, name="create"),
    path("mentoren/", views.mentors, name="mentors"),
    path("<id:pk>/naam/", views.rename, name="rename"),
    path("<id:pk>/verwijderen/", views.delete, name="delete"),
    path("<id:pk>/leerlingen/", views.members, name="members"),
]
