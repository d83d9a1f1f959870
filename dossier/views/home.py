"""Mijn doorstroomdossier: where a leerling starts after login."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import PUPIL_ROLES, AuthenticatedRequest, role_required

from ..selectors import own_account


@role_required(PUPIL_ROLES)
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    account = own_account(request.user)
    pupil = account.pupil if account is not None else None
    return render(
        request,
        "dossier/home.html",
        {
            "account": account,
            "pupil": pupil,
            "school": pupil.school if pupil is not None else None,
        },
    )
