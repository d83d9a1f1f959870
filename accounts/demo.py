"""The demo region's organisations and users: two vo-schools, two mbo-schools, two gemeenten, the servicedesk.

Idempotent: a second run finds everything in place and changes nothing (existing passwords included).
"""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone

from .models import Aanhef, GemeentePostcode, Organisation, OrganisationKind, Role, User

DEFAULT_DEMO_PASSWORD = "Voroc-demo-2026"

ORGANISATIONS = [
    # kind, code, name, connected
    (OrganisationKind.VO_SCHOOL, "00AA", "VO1 – Haagse Scholengemeenschap", False),
    (OrganisationKind.VO_SCHOOL, "00BB", "VO2 – Delfts Vakcollege", False),
    (OrganisationKind.MBO_SCHOOL, "25AA", "MBO1 – ROC Haaglanden-Zuid", True),
    (OrganisationKind.MBO_SCHOOL, "25BB", "MBO2 – Vakschool Westland", False),
    (OrganisationKind.GEMEENTE, "GM0518", "Gemeente Den Haag", False),
    (OrganisationKind.GEMEENTE, "GM0503", "Gemeente Delft", False),
    (OrganisationKind.SERVICEDESK, "SERVICEDESK", "VOROC Servicedesk", False),
]

# 4-digit postcode areas: Den Haag 2491–2599, Delft 2611–2629 (PostNL numbering).
POSTCODES = {
    "GM0518": [str(p) for p in range(2491, 2600)],
    "GM0503": [str(p) for p in range(2611, 2630)],
}

USERS = [
    # login name, organisation code, role, aanhef, voornaam, tussenvoegsel, achternaam
    ("beheerder.vo1", "00AA", Role.DECAAN_BEHEERDER, Aanhef.MEVR, "Ingrid", "", "Bakker"),
    ("decaan.vo1", "00AA", Role.DECAAN, Aanhef.DHR, "Mohamed", "el", "Amrani"),
    ("mentor.vo1", "00AA", Role.MENTOR, Aanhef.MEVR, "Sanne", "de", "Vries"),
    ("zorg.vo1", "00AA", Role.ZORGCOORDINATOR, Aanhef.MEVR, "Fatima", "", "Yilmaz"),
    ("beheerder.vo2", "00BB", Role.DECAAN_BEHEERDER, Aanhef.DHR, "Peter", "van", "Dijk"),
    ("decaan.vo2", "00BB", Role.DECAAN, Aanhef.MEVR, "Lotte", "", "Jansen"),
    ("mentor.vo2", "00BB", Role.MENTOR, Aanhef.DHR, "Kevin", "", "Pinas"),
    ("roc.mbo1", "25AA", Role.ROC, Aanhef.MEVR, "Naima", "", "Bouzid"),
    ("gemeente.denhaag", "GM0518", Role.GEMEENTE, Aanhef.DHR, "Erik", "", "Visser"),
    ("gemeente.delft", "GM0503", Role.GEMEENTE, Aanhef.MEVR, "Noor", "van der", "Berg"),
    ("servicedesk", "SERVICEDESK", Role.SERVICEDESK, Aanhef.MEVR, "Anouk", "", "Smit"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def seed_accounts() -> tuple[dict[str, Organisation], int]:
    """Create what is missing; returns the organisations by code and the number of new records."""
    created = 0
    orgs: dict[str, Organisation] = {}
    for kind, code, name, connected in ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            org = Organisation(
                code=code, kind=kind, name=name, connected=connected, email=f"info@{code.lower()}.demo.voroc.nl"
            )
            org.full_clean()
            org.save()
            created += 1
        orgs[code] = org
    for code, postcodes in POSTCODES.items():
        existing = set(GemeentePostcode.objects.filter(postcode__in=postcodes).values_list("postcode", flat=True))
        new = [GemeentePostcode(gemeente=orgs[code], postcode=p) for p in postcodes if p not in existing]
        GemeentePostcode.objects.bulk_create(new)
        created += len(new)
    password = demo_password()
    for username, code, role, aanhef, voornaam, tussenvoegsel, achternaam in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            organisation=orgs[code],
            role=role,
            aanhef=aanhef,
            voornaam=voornaam,
            tussenvoegsel=tussenvoegsel,
            achternaam=achternaam,
            email=f"{username}@demo.voroc.nl",
            profile_checked_at=timezone.now(),
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        created += 1
    return orgs, created
