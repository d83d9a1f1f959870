"""Verzuim: the list (the school's and the gemeente's), opvoeren, raadplegen/wijzigen, intrekken, the gemeente's
status, one melding as PDF (the digital archive) and the list as Excel (the totaaloverzicht)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest
from accounts.models import Organisation, Role, User
from accounts.once import done_message
from accounts.versions import StaleVersion, show_again_with
from audit.models import Action
from audit.services import record_pupils, record_view
from students.exports import FORMATS, render_export
from students.selectors import gemeente_of, get_pupil_for_user

from ..exports import MeldingPdf, VerzuimExporter
from ..forms import StatusForm, VerzuimForm, WithdrawForm
from ..models import Bijlage, Locatie, Soort, Status, VerzuimMelding
from ..selectors import get_melding_for_user, may_report, meldingen_visible_to, with_details
from ..services import change, report, set_status, withdraw

PAGE_SIZE = 100


def _readers(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_vo_staff or user.role == Role.GEMEENTE)


def filtered(request: AuthenticatedRequest) -> tuple[QuerySet[VerzuimMelding], dict[str, str]]:
    """The list as chosen: status, school (for the gemeente), soort, a period of the begin date."""
    user = request.user
    meldingen = with_details(meldingen_visible_to(user))
    params = request.GET
    choice = {
        "status": params.get("status", "") if params.get("status") in Status.values else "",
        "soort": params.get("soort", "") if params.get("soort") in Soort.values else "",
        "school": params.get("school", "") if params.get("school", "").isdigit() else "",
        "van": params.get("van", ""),
        "tot": params.get("tot", ""),
    }
    if choice["status"]:
        meldingen = meldingen.filter(status=choice["status"])
    if choice["soort"]:
        meldingen = meldingen.filter(soort=choice["soort"])
    if choice["school"]:
        meldingen = meldingen.filter(school_id=int(choice["school"]))
    for key, lookup in (("van", "begin__gte"), ("tot", "begin__lte")):
        day = parse_date(choice[key]) if choice[key] else None
        if day is None:
            choice[key] = ""
        else:
            meldingen = meldingen.filter(**{lookup: day})
    return meldingen.order_by("-created_at", "-pk"), choice


@login_required
@require_GET
def melding_list(request: AuthenticatedRequest) -> HttpResponse:
    if not _readers(request.user):
        raise PermissionDenied
    meldingen, choice = filtered(request)
    page = Paginator(meldingen, PAGE_SIZE).get_page(request.GET.get("pagina"))
    record_pupils(Action.LIST, [m.pupil for m in page.object_list], summary="verzuimmeldingen")
    query = "&".join(f"{k}={v}" for k, v in choice.items() if v)
    schools = []
    if request.user.role == Role.GEMEENTE:
        schools = list(
            Organisation.objects.filter(pk__in=meldingen_visible_to(request.user).values("school_id")).order_by("name")
        )
    return render(
        request,
        "verzuim/list.html",
        {
            "page": page,
            "choice": choice,
            "query": query,
            "statuses": Status.choices,
            "soorten": Soort.choices,
            "schools": schools,
            "is_gemeente": request.user.role == Role.GEMEENTE,
            "may_report": may_report(request.user),
        },
    )


@login_required
@require_GET
def export_view(request: AuthenticatedRequest) -> HttpResponse:
    if not _readers(request.user):
        raise PermissionDenied
    meldingen, choice = filtered(request)
    exporter = VerzuimExporter(list(meldingen), user=request.user, choice=choice)
    content = render_export(exporter, "xlsx")
    record_pupils(Action.EXPORT, exporter.pupils(), summary="verzuimmeldingen als xlsx")
    response = HttpResponse(content, content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename("xlsx")}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Opvoeren verzuim for a pupil in scope (404 outside it; 403 without the right to report)."""
    pupil, _rights = get_pupil_for_user(request.user, pk)
    if not may_report(request.user) or pupil.school_year < _current_year():
        raise PermissionDenied
    school = request.user.organisation
    # The user as melder, and the pupil's number in the school's administration (from the import), typed by nobody.
    me = {
        "melder_naam": request.user.full_name,
        "melder_functie": request.user.get_role_display(),
        "leerlingnummer": pupil.leerlingnummer,
    }
    form = VerzuimForm(request.POST or None, request.FILES or None, school=school, initial=me)
    if request.method == "POST" and form.is_valid():
        try:
            melding = report(
                pupil=pupil, by=request.user, data=form.cleaned_data, attachments=form.cleaned_data["bijlagen"]
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            text = _("Het verzuim is gemeld bij %(gemeente)s onder meldingsnummer %(nummer)s.") % {
                "gemeente": melding.gemeente.name,
                "nummer": melding.meldingsnummer,
            }
            messages.success(request, done_message(melding, text))
            return redirect("verzuim:melding", pk=melding.pk)
    return render(
        request,
        "verzuim/form.html",
        {
            "pupil": pupil,
            "form": form,
            "gemeente": gemeente_of(pupil),
            "melding": None,
            "no_locaties": not Locatie.objects.filter(school=school, active=True).exists(),
        },
    )


def _current_year() -> int:
    from students.schoolyear import current_school_year

    return current_school_year() - 1  # this year's pupils and Oud leerlingen (still followed) may be reported


def _errors_into(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _melding_or_404(request: AuthenticatedRequest, pk: int) -> VerzuimMelding:
    melding = get_melding_for_user(request.user, pk)
    if melding is None:
        raise Http404
    return melding


@login_required
@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    melding = _melding_or_404(request, pk)
    record_view(melding.pupil, summary=f"verzuimmelding {melding.meldingsnummer}")
    return render(request, "verzuim/detail.html", _detail_context(request, melding))


def _detail_context(request: AuthenticatedRequest, melding: VerzuimMelding, **forms: BaseForm) -> dict[str, Any]:
    user = request.user
    is_gemeente = user.role == Role.GEMEENTE
    school_side = user.is_vo_staff and may_report(user) and melding.school_id == user.organisation_id
    return {
        "melding": melding,
        "pupil": melding.pupil,
        "is_gemeente": is_gemeente,
        "may_change": school_side and melding.school_may_change,
        "may_withdraw": school_side and not melding.is_closed,
        "status_form": forms.get("status_form")
        or (StatusForm(current=melding.status) if is_gemeente and not melding.is_closed else None),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    melding = _melding_or_404(request, pk)
    if not (may_report(request.user) and melding.school_id == request.user.organisation_id):
        raise PermissionDenied
    if not melding.school_may_change:
        return render(request, "verzuim/detail.html", {**_detail_context(request, melding), "locked": True}, status=403)
    form = VerzuimForm(
        request.POST or None, school=melding.school, melding=melding, initial=VerzuimForm.initial_of(melding)
    )
    if request.method == "GET":
        record_view(melding.pupil, summary=f"verzuimmelding {melding.meldingsnummer} wijzigen")
    if request.method == "POST" and form.is_valid():
        try:
            change(melding=melding, by=request.user, data=form.cleaned_data)
        except StaleVersion as exc:
            show_again_with(form, exc)  # a colleague changed the melding meanwhile: nothing written, shown again
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("De melding is gewijzigd; de gemeente is ingelicht."))
            return redirect("verzuim:melding", pk=melding.pk)
    return render(
        request,
        "verzuim/form.html",
        {"pupil": melding.pupil, "form": form, "gemeente": melding.gemeente, "melding": melding},
    )


def _act_on(
    request: AuthenticatedRequest,
    melding: VerzuimMelding,
    form: BaseForm,
    act: Callable[[dict[str, Any]], object],
    done: str,
    form_key: str,
) -> HttpResponse:
    """A button on the melding's page: do it and say so, or show the page again with what is wrong."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, done)
            return redirect("verzuim:melding", pk=melding.pk)
    return render(request, "verzuim/detail.html", _detail_context(request, melding, **{form_key: form}))


@login_required
@require_POST
def withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    melding = _melding_or_404(request, pk)
    if not (may_report(request.user) and melding.school_id == request.user.organisation_id):
        raise PermissionDenied
    return _act_on(
        request,
        melding,
        WithdrawForm(request.POST),
        lambda data: withdraw(melding=melding, by=request.user, reason=data["note"]),
        _("De melding is ingetrokken; de gemeente is ingelicht."),
        "withdraw_form",
    )


@login_required
@require_POST
def status_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    melding = _melding_or_404(request, pk)
    if request.user.role != Role.GEMEENTE:
        raise PermissionDenied
    return _act_on(
        request,
        melding,
        StatusForm(request.POST, current=melding.status),
        lambda data: set_status(melding=melding, by=request.user, **data),
        _("De status is bijgewerkt; de school is ingelicht."),
        "status_form",
    )


@login_required
@require_GET
def pdf_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    melding = _melding_or_404(request, pk)
    exporter = MeldingPdf(melding)
    record_pupils(Action.EXPORT, [melding.pupil], summary=f"verzuimmelding {melding.meldingsnummer} als pdf")
    response = HttpResponse(exporter.render(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename()}"'
    return response


@login_required
@require_GET
def bijlage_view(request: AuthenticatedRequest, pk: int) -> FileResponse:
    bijlage = (
        Bijlage.objects.filter(pk=pk, melding__in=meldingen_visible_to(request.user))
        .select_related("melding__pupil")
        .first()
    )
    if bijlage is None:
        raise Http404
    record_pupils(
        Action.EXPORT, [bijlage.melding.pupil], summary=f"bijlage van verzuimmelding {bijlage.melding.meldingsnummer}"
    )
    return FileResponse(bijlage.file.open("rb"), as_attachment=True, filename=bijlage.name)
