from django.urls import path

from .views import actions, files, fill, mbo, read

app_name = "doorstroom"

urlpatterns = [
    path("leerlingen/<id:pk>/doorstroomformulier/", fill.fill, name="formulier"),
    path("leerlingen/<id:pk>/doorstroomformulier/bekijken/", read.view, name="bekijken"),
    path("leerlingen/<id:pk>/doorstroomformulier/pdf/", read.form_pdf, name="pdf"),
    path("leerlingen/<id:pk>/doorstroomformulier/accorderen/", read.approve_view, name="accorderen"),
    path("leerlingen/<id:pk>/doorstroomformulier/accordering-intrekken/", read.withdraw_view, name="intrekken"),
    path("leerlingen/<id:pk>/doorstroomformulier/correctie/", read.correction_view, name="correctie"),
    path("leerlingen/<id:pk>/doorstroomformulier/mailen/", actions.mail_view, name="mailen"),
    path("leerlingen/doorstroomformulieren/", actions.bundle_view, name="bundel"),
    path("doorstroom/bijlagen/<id:pk>/", files.attachment, name="bijlage"),
    path("doorstroom/verzonden-bijlagen/<id:pk>/", files.sent_attachment, name="verzonden_bijlage"),
    path("mbo/leerlingen/<id:pk>/", mbo.received, name="ontvangen"),
    path("mbo/doorstroomformulieren/<id:pk>/pdf/", mbo.received_pdf, name="ontvangen_pdf"),
]
