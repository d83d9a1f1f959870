from django.urls import path

from .views import reports

app_name = "monitor"

urlpatterns: list = [
    path("rapportages/", reports.report_list, name="rapportages"),
    path("rapportages/<id:pk>/excel/", reports.download_excel, name="rapportage_excel"),
    path("rapportages/<id:pk>/pdf/", reports.download_pdf, name="rapportage_pdf"),
]
