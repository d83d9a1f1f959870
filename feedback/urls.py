from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("<id:pk>/", views.batch_detail, name="batch"),
]
