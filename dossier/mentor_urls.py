"""Part B for the mentor: after login (a mentor with an account) or through the link from the mail (without one)."""

from django.urls import path

from .views import mentor

app_name = "mentordeel"

urlpatterns = [
    path("<int:pk>/", mentor.fill, name="invullen"),
    path("link/<str:token>/", mentor.link, name="link"),
    path("gast/", mentor.guest, name="gast"),
]
