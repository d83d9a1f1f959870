"""Mijn doorstroomdossier: where a leerling starts after login — their dossiers, where each stands, and "Nieuw dossier"
(the three kinds of the seed, step 7; a new dossier takes over the answers of an earlier one, step 13)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import PUPIL_ROLES, AuthenticatedRequest, role_required

from ..declaration import KINDS, VO_MBO
from ..filling import remove_dossier, start_dossier
from ..loader import shipped
from ..mentor import take_back
from ..models import Consent
from ..navigation import to_correct
from ..selectors import own_account, own_dossier, own_dossiers


@role_required(PUPIL_ROLES)
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    account = own_account(request.user)
    pupil = account.pupil if account is not None else None
    # The akkoordverklaringen of each dossier (without what they sent): where it went, and "Wat is verstuurd".
    sent = Prefetch("consents", queryset=Consent.objects.defer("snapshot").select_related("mbo_school"))
    dossiers = list(own_dossiers(request.user).prefetch_related(sent))
    return render(
        request,
        "dossier/home.html",
        {
            "account": account,
            "pupil": pupil,
            "school": pupil.school if pupil is not None else None,
            "dossiers": [(d, to_correct(d.spec, d.invalid), d.spec.pages[-1].key) for d in dossiers],
        },
    )


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    account = own_account(request.user)
    if account is None:
        return redirect("leerling:home")
    earlier = list(own_dossiers(request.user))
    if request.method == "POST":
        kind = request.POST.get("soort", "")
        copy = request.POST.get("overnemen", "")
        source = next((d for d in earlier if str(d.pk) == copy), None)
        if copy and copy != "niets" and source is None:
            messages.error(request, _("Kies uit welk dossier je je antwoorden wilt overnemen."))
            return redirect("leerling:nieuw")
        try:
            dossier = start_dossier(account=account, kind=kind, copy_from=source)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("leerling:nieuw")
        if source is not None:
            messages.success(
                request,
                _("Je antwoorden uit je vorige dossier zijn overgenomen. Kijk ze na en kies je nieuwe opleiding."),
            )
        return redirect("leerling:dossier", dossier.pk)
    kinds = [(kind, shipped(kind).parsed()) for kind in KINDS]
    suggested = VO_MBO if account.pupil is not None else ""
    return render(
        request,
        "dossier/new.html",
        {"kinds": kinds, "earlier": earlier, "suggested": suggested, "account": account},
    )


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """ "Verwijderen": asks first (GET), then removes (POST) a dossier still being filled in."""
    dossier = own_dossier(request.user, pk)
    if request.method == "POST":
        try:
            remove_dossier(dossier=dossier)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Het dossier is verwijderd."))
        return redirect("leerling:home")
    return render(request, "dossier/remove.html", {"dossier": dossier})


@role_required(PUPIL_ROLES)
@require_POST
def take_back_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request.user, pk)
    try:
        take_back(dossier=dossier)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("leerling:home")
    messages.success(
        request, _("Je hebt je dossier teruggehaald. Je kunt deel A weer aanpassen en het opnieuw opsturen.")
    )
    return redirect("leerling:dossier", dossier.pk)
