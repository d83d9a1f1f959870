"""The school's screens for pupils' accounts (never a leerling's)."""

from django.urls import path

from .views import school

app_name = "leerlingaccounts"

urlpatterns = [
    path("", school.index, name="index"),
    path("code/", school.code_create, name="code"),
    path("code/intrekken/", school.code_revoke, name="code_intrekken"),
    path("registratie/<id:pk>/", school.registration, name="verzoek"),
    path("groep/uitnodigen/", school.group_invite, name="groep"),
    path("leerling/<id:pk>/uitnodigen/", school.invite, name="uitnodigen"),
    path("leerling/<id:pk>/opnieuw/", school.reinvite, name="opnieuw"),
    path("leerling/<id:pk>/opheffen/", school.remove, name="opheffen"),
]
