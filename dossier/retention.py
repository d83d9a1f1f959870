"""Retention of pupils' registrations: what a pupil typed to make an account (name, date of birth, e-mail address)
goes 90 days after the registration, unless it still waits for the decaan. The account itself is the pupil's data and
goes with the pupil record (dossier.receivers); the audit log keeps the trail of who did what."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.retention import Category, register

from .models import Registration, RegistrationStatus


def _expired(cutoff):
    return Registration.objects.filter(created_at__lt=cutoff).exclude(status=RegistrationStatus.SCHOOL)


register(
    Category.of_records(
        key="leerling_registraties",
        label=str(_("registraties van leerlingen (naam, geboortedatum, e-mailadres)")),
        default_days=90,
        counts_from=str(_("de registratie")),
        records=_expired,
    )
)
