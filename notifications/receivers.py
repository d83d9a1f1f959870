"""Meldingen made from other apps' events (connected in NotificationsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from students.models import Aanmelding, StatusSource
from students.signals import current_status_changed

from .models import MeldingKind
from .services import notify


@receiver(current_status_changed, sender=Aanmelding)
def melding_for_new_status(sender, aanmelding: Aanmelding, previous, source: str, **kwargs) -> None:
    """Every change of current status that an mbo-school feeds back becomes a melding for the vo-school."""
    if source != StatusSource.FEED:
        return  # the school made this change itself
    pupil = aanmelding.pupil
    with override("nl"):
        text = _("Nieuwe status voor %(name)s: %(status)s (%(opleiding)s, %(school)s).") % {
            "name": pupil.full_name,
            "status": aanmelding.get_status_display(),
            "opleiding": aanmelding.opleiding.name,
            "school": aanmelding.mbo_school.name,
        }
    notify(
        organisation=pupil.school,
        kind=MeldingKind.STATUS,
        text=text,
        pupil=pupil,
        link=reverse("students:leerling", args=[pupil.pk]),
    )
