from django.urls import path

from . import api

app_name = "feedback_api"

urlpatterns = [
    path("feedback/batches", api.batches, name="batches"),
    path("feedback/batches/<id:pk>", api.batch_report, name="batch"),
    path("openapi.json", api.openapi, name="openapi"),
]
