from django.urls import path

from .views import actions, index, lists

app_name = "monitor"

urlpatterns = [
    path("", index.MonitorView.as_view(), name="index"),
    path("lijst/", lists.monitor_list, name="lijst"),
    path("lijst/export/", lists.monitor_export, name="export"),
    path("actielijst/", actions.action_list, name="actielijst"),
]
