"""The demo's pupils with an account: leerling.vo1 (a pupil of VO1 in mentor.vo1's group 4A, active, the demo
password) and a second pupil of 4A who was invited and has not chosen a password yet. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_password
from accounts.models import Role, User
from students.models import Pupil

from .models import INVITATION_VALID, AccountSource, PupilAccount
from .services import new_username
from .tokens import new_token

ACTIVE = "leerling.vo1"


@transaction.atomic
def seed_pupil_accounts() -> int:
    if User.objects.filter(username=ACTIVE).exists():
        return 0
    pupils = list(Pupil.objects.filter(school__code="00AA", group__name="4A", account__isnull=True).order_by("pk")[:2])
    if len(pupils) < 2:
        return 0
    decaan = User.objects.filter(username="decaan.vo1").first()
    now = timezone.now()
    created = 0
    for pupil, username, active in ((pupils[0], ACTIVE, True), (pupils[1], None, False)):
        user = User(
            username=username or new_username(pupil.voornaam, f"{pupil.tussenvoegsel} {pupil.achternaam}"),
            organisation=pupil.school,
            role=Role.LEERLING,
            voornaam=pupil.voornaam,
            tussenvoegsel=pupil.tussenvoegsel,
            achternaam=pupil.achternaam,
            email=f"{username or 'uitgenodigd.vo1'}@demo.voroc.nl",
            profile_checked_at=now,
        )
        if active:
            user.set_password(demo_password())
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        PupilAccount.objects.create(
            user=user,
            pupil=pupil,
            source=AccountSource.UITNODIGING,
            invited_by=decaan,
            invited_at=now,
            invite_email=user.email,
            # The demo's invitation link is not known to anyone: a new one is sent with "Opnieuw sturen".
            invite_token="" if active else new_token()[1],
            invite_expires_at=now + INVITATION_VALID,
            activated_at=now if active else None,
        )
        created += 2
    return created
