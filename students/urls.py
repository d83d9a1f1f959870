from django.urls import path

from .views import aanmelding, exports, imports, logboek, mbo, overview, pupil

app_name = "students"

urlpatterns = [
    path("leerlingen/", overview.OverviewView.as_view(), name="overzicht"),
    path("leerlingen/toevoegen/", pupil.add_pupil, name="toevoegen"),
    path("leerlingen/importeren/", imports.upload, name="importeren"),
    path("leerlingen/importeren/<id:pk>/kolommen/", imports.columns, name="import_kolommen"),
    path("leerlingen/importeren/<id:pk>/controle/", imports.preview, name="import_controle"),
    path("leerlingen/importeren/<id:pk>/resultaat/", imports.result, name="import_resultaat"),
    path("leerlingen/<id:pk>/", pupil.pupil_page, name="leerling"),
    path("leerlingen/<id:pk>/gegevens/", pupil.edit_pupil, name="bewerken"),
    path("leerlingen/<id:pk>/verwijderen/", pupil.delete_pupil_view, name="verwijderen"),
    path("leerlingen/<id:pk>/terug-naar-dit-jaar/", pupil.bring_back, name="terug_naar_dit_jaar"),
    path("leerlingen/diploma-uitslag/", aanmelding.group_diploma, name="diploma_groep"),
    path("leerlingen/<id:pk>/aanmelding/", aanmelding.add, name="aanmelding_toevoegen"),
    path("leerlingen/<id:pk>/elders/", aanmelding.elders, name="elders"),
    path("elders/<id:pk>/verwijderen/", aanmelding.remove_elders, name="elders_verwijderen"),
    path("leerlingen/<id:pk>/diploma/", aanmelding.diploma, name="diploma"),
    path("leerlingen/<id:pk>/extra-aandacht/", aanmelding.extra_aandacht, name="extra_aandacht"),
    path("aanmeldingen/<id:pk>/status/<id:status>/", aanmelding.status_popup, name="status"),
    path("aanmeldingen/<id:pk>/status/", aanmelding.update_status, name="status_bijwerken"),
    path("aanmeldingen/<id:pk>/verwijderen/", aanmelding.remove, name="aanmelding_verwijderen"),
    path("oud-leerlingen/", overview.FormerPupilsView.as_view(), name="oud"),
    path("logboek/", logboek.logboek, name="logboek"),
    path("leerlingen/<id:pk>/logboek/", logboek.logboek_pupil, name="logboek_leerling"),
    path("leerlingen/overzicht/", exports.export_view, name="export"),
    path("leerlingen/overzicht/printen/", exports.print_view, name="print"),
    path("leerlingen/overzicht/export/<id:pk>/", exports.job_view, name="export_job"),
    path("leerlingen/overzicht/export/<id:pk>/download/", exports.download_view, name="export_download"),
    path("aanmeldingen/", mbo.MboApplicationsView.as_view(), name="aanmeldingen"),
]
