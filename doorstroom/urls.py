from django.urls import path

from .views import actions, files, fill, mbo, read

app_name = "doorstroom"

urlpatterns = [
    path("leerlingen/<int:pk>/doorstroomformulier/", fill.fill, name="formulier"),
    path("leerlingen/<int:pk>/doorstroomformulier/bekijken/", read.view, name="bekijken"),
    path("leerlingen/<int:pk>/doorstroomformulier/pdf/", read.form_pdf, name="pdf"),
    path("leerlingen/<int:pk>/doorstroomformulier/accorderen/", read.approve_view, name="accorderen"),
    path("leerlingen/<int:pk>/doorstroomformulier/accordering-intrekken/", read.withdraw_view, name="intrekken"),
    path("leerlingen/<int:pk>/doorstroomformulier/correctie/", read.correction_view, name="correctie"),
    path("leerlingen/<int:pk>/doorstroomformulier/mailen/", actions.mail_view, name="mailen"),
    path("leerlingen/doorstroomformulieren/", actions.bundle_view, name="bundel"),
    path("doorstroom/bijlagen/<int:pk>/", files.attachment, name="bijlage"),
    path("doorstroom/verzonden-bijlagen/<int:pk>/", files.sent_attachment, name="verzonden_bijlage"),
    path("mbo/leerlingen/<int:pk>/", mbo.received, name="ontvangen"),
    path("mbo/doorstroomformulieren/<int:pk>/pdf/", mbo.received_pdf, name="ontvangen_pdf"),
]
