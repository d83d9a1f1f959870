"""Meldingen made from other apps' events (connected in NotificationsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy, override

from students.models import Aanmelding, Status, StatusSource
from students.signals import current_status_changed

from .models import MeldingKind
from .services import notify


@receiver(current_status_changed, sender=Aanmelding)
def melding_for_new_status(sender, aanmelding: Aanmelding, previous, source: str, **kwargs) -> None:
    """Every change of current status that an mbo-school feeds back becomes a melding for the vo-school."""
    if source != StatusSource.FEED:
        return  # the school made this change itself
    pupil = aanmelding.pupil
    text = fed_status_text(
        name=pupil.full_name,
        status=aanmelding.status,
        opleiding=aanmelding.opleiding.name,
        school=aanmelding.mbo_school.name,
    )
    notify(
        organisation=pupil.school,
        kind=MeldingKind.STATUS,
        text=text,
        pupil=pupil,
        link=reverse("students:leerling", args=[pupil.pk]),
    )


# The melding's text for a fed-back status (the feed writes the same text when it makes meldingen in bulk).
FED_STATUS_TEXT = gettext_lazy("Nieuwe status voor %(name)s: %(status)s (%(opleiding)s, %(school)s).")


def fed_status_text(*, name: str, status: int, opleiding: str, school: str) -> str:
    with override("nl"):
        return str(FED_STATUS_TEXT) % {
            "name": name,
            "status": Status(status).label,
            "opleiding": opleiding,
            "school": school,
        }
