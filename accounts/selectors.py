"""Which users a screen of the accounts app works with."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, Role, User


def staff_of(organisation: Organisation | int | None) -> QuerySet[User]:
    """The organisation's staff: its users without the pupils' own accounts (role leerling), which the school
    manages on Leerlingaccounts, not on Gebruikers."""
    return User.objects.filter(organisation=organisation).exclude(role=Role.LEERLING)
