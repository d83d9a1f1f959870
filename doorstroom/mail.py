"""Doorstroomformulier mailen aan de leerling: the PDF as an attachment, through the mail queue (no BSN). The care
steps go along only when the sender asks for it: an e-mail address is often shared with the parents."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.mail import send_templated_mail
from accounts.models import User
from audit.context import acting_as

from . import document, pdf
from .models import FormRevision, Formulier
from .services import user_name


def mail_to_pupil(*, form_id: int, user_id: int, include_care: bool = False) -> bool:
    form = Formulier.objects.select_related("declaration", "pupil", "pupil__school").filter(pk=form_id).first()
    sender = User.objects.filter(pk=user_id).first()
    if form is None or not form.pupil.email:
        return False
    with acting_as(user_name(sender), screen="doorstroom:mailen", user=sender):  # the audit log names the sender
        return _mail(form, sender, include_care)


def _mail(form: Formulier, sender: User | None, include_care: bool) -> bool:
    pupil = form.pupil
    with override("nl"):  # the pupil gets Dutch, whatever the sender's screen language
        doc = document.build(form, include_care=include_care, links=False)
        content = pdf.render(doc)
        send_templated_mail(
            to=[pupil.email],
            subject=_("Je doorstroomformulier van %(school)s") % {"school": pupil.school.name},
            template="doorstroom/mail/form_to_pupil",
            context={"pupil": pupil, "school": pupil.school, "sender": user_name(sender), "form": form},
            attachments=[(pdf.filename(doc), content, "application/pdf")],
            about_pupil_id=pupil.pk,
        )
    FormRevision.objects.create(
        form=form,
        action=FormRevision.Action.MAILED,
        note=(pupil.email + (_(" (met de zorgstappen)") if include_care else ""))[:300],
        user=sender,
        user_name=user_name(sender),
    )
    return True
