"""Reporting a pupil to the gemeente from the school: De Overstap and the risicomelding (pop-ups), and the
gemeente's remarks on a pupil.

De Overstap follows the handleiding exactly: a remark for the gemeente, "Meld leerling aan", then "Ja" or "Nee";
"Nee" goes back to the pop-up with the remark kept; "Annuleer" or the cross leaves without storing anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import VO_MANAGING_ROLES, AuthenticatedRequest
from accounts.models import Role
from accounts.once import done_message
from accounts.views.modals import go_to, modal_or_page, service_errors_into_form
from students.models import Pupil
from students.selectors import gemeente_of, get_pupil_for_user

from ..forms import OverstapForm, RemarkForm, RiskForm
from ..models import CaseKind, Remark, RiskReason
from ..selectors import remarks_visible_to
from ..services import add_remark, edit_remark, open_overstap, report_overstap, report_risk

OVERSTAP_ROLES = VO_MANAGING_ROLES | {Role.MENTOR}
RISK_ROLES = OVERSTAP_ROLES | {Role.ZORGCOORDINATOR}
CONFIRM, YES, NO = "bevestigen", "ja", "nee"


def _pupil_in_scope(request: AuthenticatedRequest, pk: int, roles: Iterable[str]) -> Pupil:
    pupil, rights = get_pupil_for_user(request.user, pk)
    if request.user.role not in roles:
        raise PermissionDenied
    return pupil


def _report_popup(request: AuthenticatedRequest, pk: int, *, kind: str) -> HttpResponse:
    """One flow for both kinds: the form, the Ja/Nee confirmation, then the report."""
    is_overstap = kind == CaseKind.OVERSTAP
    pupil = _pupil_in_scope(request, pk, OVERSTAP_ROLES if is_overstap else RISK_ROLES)
    form_class = OverstapForm if is_overstap else RiskForm
    partial = "gemeente/partials/report_popup.html"
    page_url = reverse("students:leerling", args=[pupil.pk])
    context: dict = {
        "pupil": pupil,
        "kind": kind,
        "is_overstap": is_overstap,
        "gemeente": gemeente_of(pupil),
        "existing": open_overstap(pupil) if is_overstap else None,
        "cancel_url": page_url,
        "action": reverse("gemeente:overstap" if is_overstap else "gemeente:risico", args=[pupil.pk]),
    }
    step = request.POST.get("stap", "")
    form = form_class(request.POST or None)
    if request.method == "POST" and context["gemeente"] is not None and step in (CONFIRM, YES) and form.is_valid():
        if step == CONFIRM:
            reason = form.cleaned_data.get("reason")
            reason_label = RiskReason(reason).label if reason else ""
            return modal_or_page(
                request, partial, {**context, "form": form, "confirm": True, "reason_label": reason_label}
            )
        try:
            if is_overstap:
                report_overstap(pupil=pupil, by=request.user, remark=form.cleaned_data["remark"])
                text = _("%(name)s is aangemeld bij De Overstap van %(gemeente)s.")
            else:
                report_risk(
                    pupil=pupil, by=request.user, reason=form.cleaned_data["reason"], remark=form.cleaned_data["remark"]
                )
                text = _("De risicomelding over %(name)s is naar %(gemeente)s gestuurd.")
        except ValidationError as exc:
            service_errors_into_form(form, exc, "remark")
        else:
            names = {"name": pupil.full_name, "gemeente": context["gemeente"].name}
            return go_to(request, page_url, text % names)
    if request.method == "POST" and step == NO:
        form.errors.clear()  # back to the pop-up with what was typed, without complaints
    return modal_or_page(request, partial, {**context, "form": form})


# Outside the user's scope: 404 for every role (get_pupil_for_user); in scope without the right: 403.
@login_required
@require_http_methods(["GET", "POST"])
def overstap(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_popup(request, pk, kind=CaseKind.OVERSTAP)


@login_required
@require_http_methods(["GET", "POST"])
def risico(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_popup(request, pk, kind=CaseKind.RISICO)


def _remark_form(request: AuthenticatedRequest, pupil: Pupil, remark: Remark | None = None) -> HttpResponse:
    """Write a remark, or change one's own (within 24 hours); back to the pupil's page."""
    form = RemarkForm(request.POST or None, initial={"text": remark.text} if remark else None)
    page_url = reverse("students:leerling", args=[pupil.pk]) + "#gemeente"
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if remark is None:
                saved = add_remark(pupil=pupil, by=request.user, text=text)
            else:
                saved = edit_remark(remark=remark, by=request.user, text=text)
        except ValidationError as exc:
            service_errors_into_form(form, exc, "text")
        else:
            done = (
                _("Uw opmerking is gewijzigd.")
                if remark
                else _("Uw opmerking is opgeslagen; de school van de leerling is ingelicht.")
            )
            return go_to(request, page_url, done_message(saved, done))
    context = {"pupil": pupil, "form": form, "cancel_url": page_url, "remark": remark}
    return modal_or_page(request, "gemeente/partials/remark_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_remark_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = get_pupil_for_user(request.user, pk)
    if rights.gemeente_id is None:
        raise PermissionDenied
    return _remark_form(request, pupil)


@login_required
@require_http_methods(["GET", "POST"])
def edit_remark_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    remark = remarks_visible_to(request.user).select_related("pupil").filter(pk=pk).first()
    if remark is None:
        raise Http404
    if not remark.may_edit(request.user):
        raise PermissionDenied
    pupil, _rights = get_pupil_for_user(request.user, remark.pupil_id)
    return _remark_form(request, pupil, remark)
