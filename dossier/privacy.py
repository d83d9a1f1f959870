"""What VOROC keeps about a pupil's own account, for the inzage (AVG): the login, how it was made, the invitation,
and the registrations linked to the pupil. When the pupil is removed the account goes with the pupil record
(dossier.receivers) and the registrations linked to them go here."""

from __future__ import annotations

from django.dispatch import receiver

from students.models import Pupil
from students.privacy import Section, register_section
from students.signals import pupil_removing

from .models import PupilAccount, Registration


def _rows(pupil: Pupil) -> list[dict]:
    rows: list[dict] = []
    account = PupilAccount.objects.select_related("user", "invited_by").filter(pupil=pupil).first()
    if account is not None:
        rows.append(
            {
                "soort": "account",
                "loginnaam": account.user.username,
                "e-mailadres": account.user.email,
                "stand": account.state_label,
                "hoe aangemaakt": account.get_source_display(),
                "uitgenodigd door": str(account.invited_by or ""),
                "uitnodiging gestuurd op": account.invited_at,
                "uitnodiging gestuurd naar": account.invite_email,
                "actief sinds": account.activated_at,
                "laatst ingelogd": account.user.last_login,
            }
        )
    for registration in Registration.objects.filter(pupil=pupil).order_by("created_at"):
        rows.append(
            {
                "soort": "registratie",
                "voornaam": registration.voornaam,
                "achternaam": registration.achternaam,
                "geboortedatum": registration.geboortedatum,
                "e-mailadres": registration.email,
                "stand": registration.get_status_display(),
                "aangemeld op": registration.created_at,
                "beslist op": registration.decided_at,
            }
        )
    return rows


register_section(Section("leerlingaccount", "Account van de leerling", _rows, position=45))


@receiver(pupil_removing, sender=Pupil)
def remove_the_registrations(sender, pupil: Pupil, **kwargs) -> None:
    Registration.objects.filter(pupil=pupil).delete()
