"""De akkoordverklaring, as the pupil sees it (seed, steps 20–21): the whole dossier read-only — exactly what will be
sent —, the statements to tick, for a pupil under 16 the parent or guardian who agreed, and the green "Akkoord". After
it: where the dossier went and that an intake invitation follows; "Wat is verstuurd" shows every consent of the
dossier (a receipt, with a PDF), and withdraws one while the mbo-school has not opened it.

Every address takes the leerling's own dossier or consent only (dossier.selectors): any other id does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import PUPIL_ROLES, AuthenticatedRequest, role_required

from .. import pdf, snapshot
from ..akkoord import PARENT_RELATIONS, give_akkoord, needs_parent, statements_for, withdraw
from ..models import Consent, Dossier, DossierState
from ..selectors import own_consent, own_consents, own_dossier


class AkkoordForm(forms.Form):
    """The statements by number (their texts are the dossier's, made again on each request), the parent's name and
    how they are related. What is required is checked by ``give_akkoord``."""

    statements = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    parent_name = forms.CharField(label=gettext_lazy("Naam van je ouder of verzorger"), max_length=200, required=False)
    parent_relation = forms.ChoiceField(
        label=gettext_lazy("Wie is dit?"),
        choices=[("", gettext_lazy("Kies…")), *PARENT_RELATIONS],
        required=False,
    )

    def __init__(self, *args: Any, texts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        statements = self.fields["statements"]
        assert isinstance(statements, forms.MultipleChoiceField)
        statements.choices = [(str(n), text) for n, text in enumerate(texts)]

    def agreed(self) -> list[str]:
        return [self.texts[int(n)] for n in self.cleaned_data["statements"]]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Waarom trek je je toestemming in?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Schrijf kort op waarom je je toestemming intrekt.")},
    )


def _consents_of(request: AuthenticatedRequest, dossier: Dossier) -> QuerySet[Consent]:
    return own_consents(request.user).filter(dossier=dossier).order_by("-given_at", "-pk")


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def akkoord(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request.user, pk)
    if dossier.state == DossierState.VERSTUURD:
        return redirect("leerling:wat_verstuurd", dossier.pk)
    if dossier.state != DossierState.AKKOORD:
        messages.info(
            request,
            _("Dit dossier is %(state)s: de akkoordverklaring komt later.") % {"state": dossier.get_state_display()},
        )
        return redirect("leerling:home")
    parent = needs_parent(dossier)
    texts = statements_for(dossier, parent=parent)
    form = AkkoordForm(request.POST or None, texts=texts)
    if request.method == "POST" and form.is_valid():
        try:
            give_akkoord(
                dossier=dossier,
                statements=form.agreed(),
                parent_name=form.cleaned_data["parent_name"],
                parent_relation=form.cleaned_data["parent_relation"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("leerling:home")
        else:
            return redirect("leerling:akkoord_verstuurd", dossier.pk)
    return render(
        request,
        "dossier/akkoord.html",
        {
            "dossier": dossier,
            "snap": snapshot.build(dossier),
            "form": form,
            "parent": parent,
            "earlier": _consents_of(request, dossier).exists(),
        },
        status=400 if form.errors else 200,
    )


@role_required(PUPIL_ROLES)
@require_GET
def sent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Right after the akkoord: where it went, and what comes next."""
    dossier = own_dossier(request.user, pk)
    consent = _consents_of(request, dossier).filter(withdrawn_at__isnull=True).first()
    if dossier.state != DossierState.VERSTUURD or consent is None:
        return redirect("leerling:home")
    return render(request, "dossier/akkoord_sent.html", {"dossier": dossier, "consent": consent})


@role_required(PUPIL_ROLES)
@require_GET
def receipt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Wat is verstuurd: every akkoordverklaring of the dossier, what it sent, where, when, and where it stands."""
    dossier = own_dossier(request.user, pk)
    consents = list(_consents_of(request, dossier))
    if not consents:
        messages.info(request, _("Dit dossier is nog niet naar een mbo-school verstuurd."))
        return redirect("leerling:home")
    return render(request, "dossier/receipt.html", {"dossier": dossier, "consents": consents})


@role_required(PUPIL_ROLES)
@require_GET
def receipt_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = own_consent(request.user, pk)
    response = HttpResponse(pdf.render(consent, for_pupil=True), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(consent)}"'
    return response


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Toestemming intrekken: asks for a reason and a confirmation; only while the mbo-school has not opened it."""
    consent = own_consent(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and consent.active and consent.opened_at is None and form.is_valid():
        try:
            withdraw(consent=consent, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("leerling:wat_verstuurd", consent.dossier_id)
        else:
            messages.success(
                request,
                _(
                    "Je toestemming is ingetrokken. %(school)s kan je dossier niet meer zien. Je kunt later opnieuw "
                    "akkoord geven."
                )
                % {"school": consent.mbo_school.name},
            )
            return redirect("leerling:wat_verstuurd", consent.dossier_id)
    return render(
        request,
        "dossier/withdraw.html",
        {"consent": consent, "dossier": consent.dossier, "form": form},
        status=400 if form.errors else 200,
    )
