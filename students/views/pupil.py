"""One pupil: Leerling toevoegen (a pop-up in two steps), the pupil's page, leerlinggegevens, verwijderen."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import versions
from accounts.access import VO_MANAGING_ROLES, AuthenticatedRequest, role_required
from accounts.once import done_message
from accounts.views.modals import go_to, modal_or_page, service_errors_into_form
from audit.services import record_view

from ..destination import aanmeldingen_of, elders_of, expected_destination, status_row, with_applications
from ..forms import BsnForm, EditPupilForm, NewPupilForm
from ..models import Opleiding, Status
from ..passed_on import extra_aandacht_passed_on
from ..schoolyear import current_school_year
from ..selectors import get_pupil_for_user, groups_visible_to, mentors_of, pupils_visible_to
from ..services import (
    BsnStatus,
    bring_to_current_year,
    check_bsn,
    create_pupil,
    delete_pupil,
    earlier_pupil,
    update_pupil,
)

ADD_PARTIAL = "students/partials/add_pupil.html"


def _overview_url() -> str:
    return reverse("students:overzicht")


@sensitive_post_parameters("bsn")
@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def add_pupil(request: AuthenticatedRequest) -> HttpResponse:
    """Step 1: the BSN, checked against this school's list and the others. Step 2: everything else."""
    school = request.user.organisation
    groups = groups_visible_to(request.user)
    chosen = request.GET.get("groep") or request.POST.get("groep_keuze") or ""
    group = groups.filter(pk=chosen).first() if chosen.isdigit() else None
    context: dict[str, object] = {
        "cancel_url": _overview_url(),
        "chosen_group": group.pk if group else "",
        "current_year": current_school_year(),
    }
    without_bsn = request.GET.get("geen_bsn") == "1" or request.POST.get("geen_bsn") == "1"
    step = request.POST.get("stap", "bsn")

    if request.method == "GET" and not without_bsn:
        return modal_or_page(request, ADD_PARTIAL, {**context, "step": "bsn", "form": BsnForm()})
    if request.method == "GET":
        return modal_or_page(
            request,
            ADD_PARTIAL,
            {**context, "step": "gegevens", "form": NewPupilForm(without_bsn=True, groups=groups, group=group)},
        )

    if step == "bsn":
        bsn_form = BsnForm(request.POST)
        if bsn_form.is_valid():
            checked = check_bsn(school=school, bsn=bsn_form.cleaned_data["bsn"])
            if checked.status is BsnStatus.NEW:
                data_form = NewPupilForm(initial={"bsn": bsn_form.cleaned_data["bsn"]}, groups=groups, group=group)
                return modal_or_page(request, ADD_PARTIAL, {**context, "step": "gegevens", "form": data_form})
            if checked.pupil is not None:  # the pop-up names the pupil already in the list (and its group, year)
                record_view(checked.pupil, summary="leerling toevoegen: staat al in de lijst")
            context["found"] = checked
        return modal_or_page(request, ADD_PARTIAL, {**context, "step": "bsn", "form": bsn_form})

    return _data_step(request, context, groups=groups, without_bsn=without_bsn)


def _data_step(
    request: AuthenticatedRequest, context: dict[str, object], *, groups: QuerySet, without_bsn: bool
) -> HttpResponse:
    """Step 2 of Leerling toevoegen posted: the pupil added, or the form again with what to correct."""
    school = request.user.organisation
    form = NewPupilForm(request.POST, without_bsn=without_bsn, groups=groups)
    if form.is_valid():
        bsn = None if without_bsn else form.cleaned_data["bsn"]
        found = check_bsn(school=school, bsn=bsn) if bsn else None
        earlier = earlier_pupil(found=found, by=request.user) if found else None
        if earlier is not None:
            done = done_message(earlier, "")
            return go_to(request, reverse("students:leerling", args=[earlier.pk]), done)
        if found and found.status is not BsnStatus.NEW:
            # Someone added the pupil meanwhile, or the BSN was changed in step 2: back to step 1.
            if found.pupil is not None:
                record_view(found.pupil, summary="leerling toevoegen: staat al in de lijst")
            context["found"] = found
            return modal_or_page(request, ADD_PARTIAL, {**context, "step": "bsn", "form": BsnForm(request.POST)})
        try:
            pupil = create_pupil(
                school=school,
                data=form.cleaned_data,
                bsn=bsn,
                created_by=request.user,
                group=form.cleaned_data.get("group"),
            )
        except ValidationError as exc:
            service_errors_into_form(form, exc, "bsn")
        else:
            return go_to(
                request,
                reverse("students:leerling", args=[pupil.pk]),
                done_message(pupil, _("%(name)s is toegevoegd.") % {"name": pupil.full_name}),
            )
    return modal_or_page(
        request, ADD_PARTIAL, {**context, "step": "gegevens", "form": form, "without_bsn": without_bsn}
    )


# Pages of one pupil are open to every logged-in user: the scope decides (outside it: 404, for every role).
@login_required
@require_http_methods(["GET"])
def pupil_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The pupil's page ("Aanmelding van de leerling"): aanmeldingen with their status rows, Elders, flags."""
    _found, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_view_dossier:
        raise PermissionDenied  # an mbo-school's user sees the pupil on their Aanmeldingen screen only
    pupil = with_applications(pupils_visible_to(request.user).select_related("school", "group", "created_by")).get(
        pk=pk
    )
    applications = [(a, status_row(a)) for a in aanmeldingen_of(pupil)]
    return render(
        request,
        "students/pupil.html",
        {
            "pupil": pupil,
            "rights": rights,
            "applications": applications,
            "elders": elders_of(pupil)[::-1],
            "destination": expected_destination(pupil),
            "diploma_changes": pupil.flag_changes.filter(flag="diploma").order_by("-at")[:3],
            "passed_on": extra_aandacht_passed_on(pupil) if pupil.extra_aandacht else [],
            "statuses": list(Status),
            "mentors": list(mentors_of(pupil.group)),
            "hand_schools_exist": Opleiding.objects.filter(active=True, school__connected=False).exists(),
        },
    )


@sensitive_post_parameters("bsn")
@login_required
@require_http_methods(["GET", "POST"])
def edit_pupil(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Leerlinggegevens: click on a name in the overview."""
    pupil, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_edit:
        raise PermissionDenied
    groups = groups_visible_to(request.user) if rights.can_change_group else None
    form = EditPupilForm(request.POST or None, instance=pupil, groups=groups, can_add_bsn=not pupil.has_bsn)
    # Back to where the user came from (the overview with its group and search, or the pupil's page).
    back = request.GET.get("terug", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = ""
    page_url = back or _overview_url()
    if request.method == "POST" and form.is_valid():
        changes = {"group": form.cleaned_data["group"]} if groups is not None else {}
        try:
            update_pupil(
                pupil=pupil,
                data=form.cleaned_data,
                bsn=form.cleaned_data.get("bsn") or None,
                version=form.cleaned_data.get(versions.FIELD) or None,
                **changes,
            )
        except versions.StaleVersion as exc:
            versions.show_again_with(form, exc)
        except ValidationError as exc:
            service_errors_into_form(form, exc, "bsn")
        else:
            return go_to(request, page_url, _("De gegevens van %(name)s zijn opgeslagen.") % {"name": pupil.full_name})
    return modal_or_page(
        request,
        "students/partials/edit_pupil.html",
        {"form": form, "pupil": pupil, "cancel_url": page_url, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_pupil_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_delete:
        raise PermissionDenied
    if request.method == "POST":
        name = pupil.full_name
        delete_pupil(pupil=pupil)
        return go_to(request, _overview_url(), _("%(name)s is verwijderd.") % {"name": name})
    return modal_or_page(
        request, "students/partials/delete_pupil.html", {"pupil": pupil, "cancel_url": _overview_url()}
    )


@login_required
@require_http_methods(["POST"])
def bring_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Leerling toevoegen found the pupil under Oud leerlingen: put them in this school year's list."""
    pupil, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_change_group or pupil.school_year >= current_school_year():
        raise PermissionDenied
    bring_to_current_year(pupil=pupil)
    return go_to(
        request,
        reverse("students:leerling", args=[pupil.pk]),
        _("%(name)s staat weer in de lijst van dit schooljaar.") % {"name": pupil.full_name},
    )
