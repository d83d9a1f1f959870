from django.urls import path

from .views import actions, index, lists, reports

app_name = "monitor"

urlpatterns = [
    path("", index.MonitorView.as_view(), name="index"),
    path("lijst/", lists.monitor_list, name="lijst"),
    path("lijst/export/", lists.monitor_export, name="export"),
    path("actielijst/", actions.action_list, name="actielijst"),
    path("rapportages/", reports.report_list, name="rapportages"),
    path("rapportages/<id:pk>/excel/", reports.download_excel, name="rapportage_excel"),
    path("rapportages/<id:pk>/pdf/", reports.download_pdf, name="rapportage_pdf"),
]
