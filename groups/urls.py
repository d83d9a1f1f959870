from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.index, name="index"),
    path("nieuw/", views.create, name="create"),
    path("mentoren/", views.mentors, name="mentors"),
    path("<int:pk>/naam/", views.rename, name="rename"),
    path("<int:pk>/verwijderen/", views.delete, name="delete"),
    path("<int:pk>/leerlingen/", views.members, name="members"),
]
