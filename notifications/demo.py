"""Demo meldingen: a system message, status changes fed back by the connected mbo-school, an older one."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from students.models import Aanmelding, StatusSource

from .models import Melding, MeldingKind
from .services import notify


def seed_meldingen() -> int:
    if Melding.objects.exists():
        return 0
    created = 0
    for school in Organisation.objects.filter(kind=OrganisationKind.VO_SCHOOL):
        notify(
            organisation=school,
            kind=MeldingKind.SYSTEEM,
            # A melding goes to everyone of the school: it names who does what.
            text=(
                "VOROC is open voor het schooljaar. Decanen: controleer de leerlinggegevens en deel de leerlingen "
                "in groepen in. Mentoren en zorgcoördinatoren: vul de doorstroomformulieren in."
            ),
        )
        created += 1
        fed = (
            Aanmelding.objects.filter(pupil__school=school, history__source=StatusSource.FEED)
            .select_related("pupil", "opleiding", "mbo_school")
            .distinct()
            .order_by("-status_at")[:8]
        )
        for n, aanmelding in enumerate(fed):
            melding = notify(
                organisation=school,
                kind=MeldingKind.STATUS,
                text=f"Nieuwe status voor {aanmelding.pupil.full_name}: {aanmelding.get_status_display()} "
                f"({aanmelding.opleiding.name}, {aanmelding.mbo_school.name}).",
                pupil=aanmelding.pupil,
                link=reverse("students:leerling", args=[aanmelding.pupil.pk]),
            )
            # Spread over the last days; the last two are older than 30 days (found only by searching).
            assert melding is not None  # no dedupe key: always made
            age = datetime.timedelta(days=n if n < 6 else 40 + n, hours=n)
            Melding.objects.filter(pk=melding.pk).update(created_at=timezone.now() - age)
            created += 1
    return created
