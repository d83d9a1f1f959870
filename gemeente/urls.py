from django.urls import path

from .views import cases, report, residents

app_name = "gemeente"

urlpatterns = [
    path("gemeente/leerlingen/", residents.ResidentsView.as_view(), name="leerlingen"),
    path("gemeente/leerlingen/export/", residents.export_view, name="export"),
    path("gemeente/meldingen/", cases.case_list, name="meldingen"),
    path("gemeente/meldingen/export/", cases.case_export, name="meldingen_export"),
    path("gemeente/meldingen/<id:pk>/", cases.case_page, name="melding"),
    path("gemeente/meldingen/<id:pk>/status/", cases.case_status, name="melding_status"),
    path("gemeente/meldingen/<id:pk>/contact/", cases.case_contact, name="melding_contact"),
    path("leerlingen/<id:pk>/de-overstap/", report.overstap, name="overstap"),
    path("leerlingen/<id:pk>/risicomelding/", report.risico, name="risico"),
    path("leerlingen/<id:pk>/gemeente-opmerking/", report.add_remark_view, name="opmerking"),
    path("gemeente-opmerkingen/<id:pk>/", report.edit_remark_view, name="opmerking_wijzigen"),
    path("aanmeldingen/<id:pk>/niet-verschenen/", cases.not_arrived, name="niet_verschenen"),
]
