"""The gemeente handles what was reported: the list of reports, one report with its status and contact log; and the
mbo-school's "niet verschenen"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import GEMEENTE_ROLES, AuthenticatedRequest, role_required
from accounts.models import Role
from accounts.versions import StaleVersion, show_again_with
from accounts.views.modals import go_to, modal_or_page, service_errors_into_form
from audit.models import Action
from audit.services import record_pupils, record_view
from students.exports import FORMATS, render_export
from students.models import Status
from students.schoolyear import current_school_year
from students.selectors import aanmeldingen_visible_to, mentors_of

from ..exports import CasesExporter
from ..forms import ContactForm, NotArrivedForm, StatusForm
from ..models import Case, CaseKind, CaseStatus
from ..selectors import cases_visible_to, get_case_for_user, with_history
from ..services import add_contact, case_version, report_not_arrived, set_status

PAGE_SIZE = 100


def _chosen_cases(request: AuthenticatedRequest) -> tuple[QuerySet[Case], str, str]:
    """The reports as chosen in the list: kind, and status (default: not yet closed)."""
    kind = request.GET.get("soort", "") if request.GET.get("soort") in CaseKind.values else ""
    status = request.GET.get("status", "open")
    cases = with_history(cases_visible_to(request.user)).select_related("pupil", "pupil__school", "pupil__group")
    if kind:
        cases = cases.filter(kind=kind)
    if status == "open":
        cases = cases.exclude(status=CaseStatus.AFGESLOTEN)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    else:
        status = ""
    return cases.order_by("-reported_at", "-pk"), kind, status


@role_required(GEMEENTE_ROLES)
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    """Meldingen aan de gemeente: De Overstap, risicomeldingen and niet verschenen, open ones first."""
    cases, kind, status = _chosen_cases(request)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("pagina"))
    record_pupils(Action.LIST, [c.pupil for c in page.object_list], summary="meldingen aan de gemeente")
    return render(
        request,
        "gemeente/cases.html",
        {
            "page": page,
            "page_query": urlencode({k: v for k, v in (("soort", kind), ("status", status or "alle")) if v}),
            "kind": kind,
            "status": status,
            "kinds": CaseKind.choices,
            "statuses": CaseStatus.choices,
        },
    )


def _case_or_404(request: AuthenticatedRequest, pk: int) -> Case:
    case = get_case_for_user(request.user, pk)
    if case is None:
        raise Http404
    if request.user.role != Role.GEMEENTE:
        raise PermissionDenied  # the school reads status and outcome on the pupil's page
    return case


def _render_case(
    request: AuthenticatedRequest,
    case: Case,
    *,
    status_form: StatusForm | None = None,
    contact_form: ContactForm | None = None,
) -> HttpResponse:
    """The report's page: what was reported, the pupil's school, group and mentor, the contact log, the status."""
    initial = {
        "status": case.status,
        "outcome": case.outcome,
        "outcome_note": case.outcome_note,
        "versie": case_version(case),
    }
    return render(
        request,
        "gemeente/case.html",
        {
            "case": case,
            "pupil": case.pupil,
            "contacts": list(case.contacts.all()),
            "mentors": list(mentors_of(case.pupil.group)),
            "status_form": status_form or StatusForm(initial=initial),
            "contact_form": contact_form or ContactForm(),
        },
    )


@login_required
@require_GET
def case_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    record_view(case.pupil, summary=f"melding aan de gemeente: {case.get_kind_display()}")
    return _render_case(request, case)


@login_required
@require_POST
def case_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            set_status(case=case, by=request.user, **form.cleaned_data)
        except StaleVersion as exc:
            show_again_with(form, exc)  # a colleague changed the status meanwhile: nothing written, shown again
        except ValidationError as exc:
            service_errors_into_form(form, exc, "status")
        else:
            text = _("De status is bijgewerkt; de school is ingelicht.")
            return go_to(request, reverse("gemeente:melding", args=[case.pk]), text)
    return _render_case(request, case, status_form=form)


@login_required
@require_POST
def case_contact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        was = case.status
        try:
            add_contact(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into_form(form, exc, "note")
        else:
            text = _("Het contactmoment is vastgelegd.")
            if case.status != was:
                text += " " + _("De melding is nu “%(status)s”; de school is ingelicht.") % {
                    "status": case.get_status_display()
                }
            return go_to(request, reverse("gemeente:melding", args=[case.pk]), text)
    return _render_case(request, case, contact_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def not_arrived(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The mbo-school: a pupil with a definitieve keuze here did not turn up after the summer."""
    aanmelding = (
        aanmeldingen_visible_to(request.user).select_related("pupil", "opleiding", "mbo_school").filter(pk=pk).first()
    )
    if aanmelding is None:
        raise Http404
    if request.user.role != Role.ROC:
        raise PermissionDenied
    page_url = reverse("students:aanmeldingen")
    if aanmelding.status != Status.DEFINITIEF or aanmelding.pupil.school_year >= current_school_year():
        raise PermissionDenied  # only a definitieve keuze of last year's pupils, after the mbo year started
    # Only this school reports its own aanmelding as niet verschenen, so its report is one of the cases it sees.
    existing = cases_visible_to(request.user).filter(kind=CaseKind.NIET_VERSCHENEN, aanmelding=aanmelding).first()
    form = NotArrivedForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            report_not_arrived(aanmelding=aanmelding, by=request.user, remark=form.cleaned_data["remark"])
        except ValidationError as exc:
            service_errors_into_form(form, exc, "remark")
        else:
            return go_to(
                request,
                page_url,
                _("%(name)s is als niet verschenen gemeld bij Leerplicht/RMC van de gemeente.")
                % {"name": aanmelding.pupil.full_name},
            )
    if request.method == "GET":
        record_view(aanmelding.pupil, summary="niet verschenen melden")
    context = {
        "aanmelding": aanmelding,
        "pupil": aanmelding.pupil,
        "form": form,
        "existing": existing,
        "cancel_url": page_url,
    }
    return modal_or_page(request, "gemeente/partials/not_arrived.html", context)


@role_required(GEMEENTE_ROLES)
@require_GET
def case_export(request: AuthenticatedRequest) -> HttpResponse:
    """The reports as chosen, as Excel (through the exporter base; no BSN, no contact notes)."""
    cases, kind, status = _chosen_cases(request)
    exporter = CasesExporter(list(cases), user=request.user, kind=kind, status=status)
    content = render_export(exporter, "xlsx")
    record_pupils(Action.EXPORT, exporter.pupils(), summary="meldingen aan de gemeente als xlsx")
    response = HttpResponse(content, content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename("xlsx")}"'
    return response
