"""The school's read-only view of the form (any version), its PDF, and approving, withdrawing, correcting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest
from accounts.views.modals import go_to, modal_or_page
from students.models import Pupil

from .. import consent, document, pdf
from ..access import get_pupil_with_form_rights
from ..engine import Progress
from ..models import Formulier
from ..selectors import current_form, form_locked, icon_for, progress_of
from ..sending import applied_schools
from ..services import approve, start_correction, withdraw_approval


def _version(pupil: Pupil, request: HttpRequest) -> Formulier | None:
    versions = pupil.doorstroomformulieren.select_related("declaration", "pupil", "pupil__school")
    wanted = request.GET.get("versie", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        found = versions.filter(version=int(wanted)).first()
        if found is None:
            raise Http404
        return found
    return versions.filter(is_current=True).first()


@login_required
@require_GET
def view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = get_pupil_with_form_rights(request.user, pk)
    form = _version(pupil, request)
    current = current_form(pupil)
    doc = document.build(form, include_care=rights.read_care) if form else None
    locked = form_locked(current) if current else False
    return render(
        request,
        "doorstroom/view.html",
        {
            "pupil": pupil,
            "rights": rights,
            "form": form,
            "current": current,
            "doc": doc,
            "icon": icon_for(current, pupil),
            "locked": locked,
            "versions": list(pupil.doorstroomformulieren.prefetch_related("snapshot__deliveries__mbo_school")),
            "history": list(form.revisions.all()[:30]) if form else [],
            "can_fill": rights.fill_any and not locked and not (current and current.is_sent),
            "progress": _progress(form) if form and not form.is_sent else None,
            "consent_notice": _consent_notice(current),
        },
    )


def _progress(form: Formulier) -> Progress:
    return progress_of(form)


def _consent_notice(current: Formulier | None) -> str:
    """Where the school sees the sending state: why nothing is (or nothing more will be) sent."""
    if current is None or current.is_sent or consent.given(current):
        return ""
    if current.ever_sent:  # a correction without the consent: what was sent stays, nothing new goes
        return str(consent.WITHDRAWN)
    if current.state in (Formulier.State.COMPLEET, Formulier.State.GEACCORDEERD):
        return str(consent.MISSING)
    return ""


@login_required
@require_GET
def form_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = get_pupil_with_form_rights(request.user, pk)
    form = _version(pupil, request)
    if form is None:
        raise Http404
    doc = document.build(form, include_care=rights.read_care, links=False)
    response = HttpResponse(pdf.render(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(doc)}"'
    return response


def _current_for_action(request: AuthenticatedRequest, pk: int, right: str) -> tuple[Pupil, Formulier]:
    pupil, rights = get_pupil_with_form_rights(request.user, pk)
    if not getattr(rights, right):
        raise PermissionDenied
    form = current_form(pupil)
    if form is None:
        raise Http404
    return pupil, form


@login_required
@require_http_methods(["GET", "POST"])
def approve_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Accorderen sends the form to the mbo at once: a pop-up says where to first, and asks."""
    pupil, form = _current_for_action(request, pk, "approve")
    back = reverse("doorstroom:bekijken", args=[pupil.pk])
    if request.method == "POST":
        try:
            approve(form=form, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return go_to(request, back)
        return go_to(
            request,
            back,
            _(
                "Het formulier van %(name)s is geaccordeerd. Het gaat naar de mbo-scholen waar %(name)s is "
                "aangemeld; heeft de leerling nog geen aanmelding, dan gaat het mee zodra die er is."
            )
            % {"name": pupil.full_name},
        )
    progress = progress_of(form)
    return modal_or_page(
        request,
        "doorstroom/partials/approve_confirm.html",
        {
            "pupil": pupil,
            "form": form,
            "cancel_url": back,
            "schools": applied_schools(pupil),
            # Why it cannot be approved (the POST refuses it with the same words): the pop-up says so, asks nothing.
            "refused": None if progress.ready_to_approve else _refusal(progress),
        },
    )


def _refusal(progress: Progress) -> str:
    if not progress.complete:
        return _("Het formulier is nog niet compleet; alleen een compleet formulier kan worden geaccordeerd.")
    return str(consent.MISSING)


@login_required
@require_POST
def withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, form = _current_for_action(request, pk, "approve")
    try:
        withdraw_approval(form=form, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De accordering is ingetrokken; het formulier wordt niet verzonden."))
    return redirect("doorstroom:bekijken", pk=pupil.pk)


@login_required
@require_http_methods(["GET", "POST"])
def correction_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, form = _current_for_action(request, pk, "correct")
    back = reverse("doorstroom:bekijken", args=[pupil.pk])
    if not form.is_sent:
        raise PermissionDenied  # only a sent version is corrected; an unsent one is simply changed
    if request.method == "POST":
        try:
            correction = start_correction(form=form, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return go_to(request, back)
        return go_to(
            request,
            reverse("doorstroom:formulier", args=[pupil.pk]),
            _(
                "Versie %(version)s is gemaakt. Pas aan wat niet klopt, sla op en accordeer de nieuwe versie; dan "
                "gaat zij naar dezelfde mbo-scholen."
            )
            % {"version": correction.version},
        )
    return modal_or_page(
        request,
        "doorstroom/partials/correction_confirm.html",
        {"pupil": pupil, "form": form, "cancel_url": back, "deliveries": _deliveries(form)},
    )


def _deliveries(form: Formulier) -> list:
    snapshot = getattr(form, "snapshot", None)
    return list(snapshot.deliveries.select_related("mbo_school")) if snapshot else []
