"""Doorstroomformulier mailen aan de leerling: the PDF as an attachment, through the mail queue (no BSN)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.mail import send_templated_mail
from accounts.models import User

from . import document, pdf
from .models import FormRevision, Formulier
from .services import user_name


def mail_to_pupil(*, form_id: int, user_id: int) -> bool:
    form = Formulier.objects.select_related("declaration", "pupil", "pupil__school").filter(pk=form_id).first()
    sender = User.objects.filter(pk=user_id).first()
    if form is None or not form.pupil.email:
        return False
    pupil = form.pupil
    with override("nl"):  # the pupil gets Dutch, whatever the sender's screen language
        doc = document.build(form, links=False)
        content = pdf.render(doc)
        send_templated_mail(
            to=[pupil.email],
            subject=_("Je doorstroomformulier van %(school)s") % {"school": pupil.school.name},
            template="doorstroom/mail/form_to_pupil",
            context={"pupil": pupil, "school": pupil.school, "sender": user_name(sender), "form": form},
            attachments=[(pdf.filename(doc), content, "application/pdf")],
        )
    FormRevision.objects.create(
        form=form,
        action=FormRevision.Action.MAILED,
        note=pupil.email[:300],
        user=sender,
        user_name=user_name(sender),
    )
    return True
