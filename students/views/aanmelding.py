"""On the pupil's page: aanmeldingen and their statuses, Elders, vmbo-diploma and extra aandacht (pop-ups)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import versions
from accounts.access import AuthenticatedRequest
from accounts.models import Role
from accounts.once import done_message
from accounts.views.modals import go_to, modal_or_page, service_errors_into_form
from audit.models import Action
from audit.services import record_pupils

from ..aanmelding_forms import (
    DIPLOMA_VALUES,
    AanmeldingForm,
    EldersForm,
    ExtraAandachtForm,
    StatusForm,
)
from ..aanmeldingen import (
    add_aanmelding,
    delete_aanmelding,
    delete_elders,
    extra_aandacht_version,
    record_elders,
    record_status,
    set_diploma,
    set_extra_aandacht,
    set_group_diploma,
    status_version,
)
from ..listing import PupilListing
from ..models import Aanmelding, Elders, Pupil, Status, StatusSource
from ..schoolyear import current_school_year
from ..selectors import aanmeldingen_visible_to, get_pupil_for_user, pupils_visible_to, rights_for


def _renamed(exc: ValidationError) -> ValidationError:
    """The services speak of "at"; the forms call that field "date"."""
    if hasattr(exc, "error_dict") and "at" in exc.error_dict:
        exc.error_dict["date"] = exc.error_dict.pop("at")
    return exc


def _pupil_url(pupil: Pupil) -> str:
    return reverse("students:leerling", args=[pupil.pk])


def _editable_pupil(request: AuthenticatedRequest, pk: int) -> Pupil:
    pupil, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_edit:
        raise PermissionDenied
    return pupil


def _aanmelding_for_user(request: AuthenticatedRequest, pk: int) -> tuple[Aanmelding, bool]:
    """The aanmelding of a pupil in the user's scope (else 404), and whether the user may edit it."""
    aanmelding = (
        aanmeldingen_visible_to(request.user)
        .select_related("opleiding", "mbo_school", "pupil", "location")
        .filter(pk=pk)
        .first()
    )
    if aanmelding is None:
        raise Http404
    _pupil, rights = get_pupil_for_user(request.user, aanmelding.pupil_id)
    return aanmelding, rights.can_edit


@login_required
@require_http_methods(["GET"])
def status_popup(request: AuthenticatedRequest, pk: int, status: int) -> HttpResponse:
    """Clicking a coloured block: when that status was reached, from where, by whom, with what note."""
    aanmelding, can_edit = _aanmelding_for_user(request, pk)
    if status not in Status.values:
        raise Http404
    changes = list(aanmelding.history.filter(status=status).select_related("user"))
    if not changes:
        raise Http404
    return modal_or_page(
        request,
        "students/partials/status_popup.html",
        {
            "aanmelding": aanmelding,
            "status": Status(status),
            "changes": changes,
            "can_edit": can_edit and not aanmelding.from_feed,
            # An mbo-school's user has no page of the pupil at the vo-school: back to their Aanmeldingen.
            "cancel_url": reverse("students:aanmeldingen")
            if request.user.role == Role.ROC
            else _pupil_url(aanmelding.pupil),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil = _editable_pupil(request, pk)
    form = AanmeldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            aanmelding = add_aanmelding(
                pupil=pupil,
                opleiding=data["opleiding"],
                status=data["status"],
                at=data["date"],
                source=StatusSource.HAND,
                by=request.user,
                note=data["note"],
            )
        except ValidationError as exc:
            service_errors_into_form(form, _renamed(exc), "opleiding")
        else:
            return go_to(request, _pupil_url(pupil), done_message(aanmelding, _("De aanmelding is vastgelegd.")))
    return modal_or_page(
        request,
        "students/partials/aanmelding_form.html",
        {"form": form, "pupil": pupil, "cancel_url": _pupil_url(pupil)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    aanmelding, can_edit = _aanmelding_for_user(request, pk)
    if not can_edit or aanmelding.from_feed:
        raise PermissionDenied
    form = StatusForm(request.POST or None, initial={"status": aanmelding.status}, version=status_version(aanmelding))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = record_status(
                aanmelding=aanmelding,
                status=data["status"],
                at=data["date"],
                source=StatusSource.HAND,
                by=request.user,
                note=data["note"],
                version=data.get(versions.FIELD) or None,
            )
        except versions.StaleVersion as exc:
            versions.show_again_with(form, exc)
        except ValidationError as exc:
            service_errors_into_form(form, _renamed(exc), "status")
        else:
            return go_to(request, _pupil_url(aanmelding.pupil), done_message(change, _("De status is bijgewerkt.")))
    return modal_or_page(
        request,
        "students/partials/status_form.html",
        {"form": form, "aanmelding": aanmelding, "cancel_url": _pupil_url(aanmelding.pupil)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    aanmelding, can_edit = _aanmelding_for_user(request, pk)
    if not can_edit or aanmelding.from_feed:
        raise PermissionDenied
    if request.method == "POST":
        delete_aanmelding(aanmelding=aanmelding)
        return go_to(request, _pupil_url(aanmelding.pupil), _("De aanmelding is verwijderd."))
    return modal_or_page(
        request,
        "students/partials/aanmelding_delete.html",
        {"aanmelding": aanmelding, "cancel_url": _pupil_url(aanmelding.pupil)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def elders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil = _editable_pupil(request, pk)
    form = EldersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = record_elders(
                pupil=pupil, kind=data["kind"], name=data["name"], date=data["date"], note=data["note"], by=request.user
            )
        except ValidationError as exc:
            service_errors_into_form(form, exc, "kind")
        else:
            return go_to(request, _pupil_url(pupil), done_message(recorded, _("De bestemming elders is vastgelegd.")))
    return modal_or_page(
        request, "students/partials/elders_form.html", {"form": form, "pupil": pupil, "cancel_url": _pupil_url(pupil)}
    )


@login_required
@require_POST
def diploma(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil = _editable_pupil(request, pk)
    value = request.POST.get("diploma", "")
    if value not in DIPLOMA_VALUES:
        return go_to(request, _pupil_url(pupil), _("Kies behaald, niet behaald of nog niet bekend."))
    shown = request.POST.get("getoond")
    try:
        set_diploma(
            pupils=[pupil],
            value=DIPLOMA_VALUES[value],
            by=request.user,
            shown={pupil.pk: DIPLOMA_VALUES[shown]} if shown in DIPLOMA_VALUES else None,
        )
    except versions.StaleVersion as exc:
        messages.warning(request, " ".join(exc.messages))
        return go_to(request, _pupil_url(pupil))
    return go_to(request, _pupil_url(pupil), _("Het vmbo-diploma is bijgewerkt."))


@login_required
@require_http_methods(["GET", "POST"])
def extra_aandacht(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil = _editable_pupil(request, pk)
    form = ExtraAandachtForm(
        request.POST or None, initial={"text": pupil.extra_aandacht}, version=extra_aandacht_version(pupil)
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_extra_aandacht(
                pupil=pupil,
                text=form.cleaned_data["text"],
                by=request.user,
                version=form.cleaned_data.get(versions.FIELD) or None,
            )
        except versions.StaleVersion as exc:
            versions.show_again_with(form, exc)
        else:
            return go_to(request, _pupil_url(pupil), _("De informatie over extra aandacht is opgeslagen."))
    return modal_or_page(
        request,
        "students/partials/extra_aandacht_form.html",
        {
            "form": form,
            "pupil": pupil,
            "history": pupil.flag_changes.filter(flag="extra_aandacht").order_by("-at")[:5],
            "cancel_url": _pupil_url(pupil),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_diploma(request: AuthenticatedRequest) -> HttpResponse:
    """The exam results for a whole group at once (handleiding: "VMBO Diploma gehaald")."""
    listing = PupilListing(
        user=request.user, year=current_school_year(), params={"groep": request.GET.get("groep", "")}
    )
    if listing.selected_group is None:
        raise Http404
    pupils = [p for p in listing.pupils() if rights_for(request.user, p).can_edit]
    if not pupils:
        raise PermissionDenied
    back = reverse("students:overzicht") + f"?groep={listing.selected_group.pk}"
    if request.method == "GET":
        record_pupils(Action.LIST, pupils, summary=f"diploma-uitslag, groep {listing.selected_group.name}")
    errors: list = []
    stale: list[str] = []
    codes = {value: code for code, value in DIPLOMA_VALUES.items()}
    for pupil in pupils:
        pupil.choice = codes[pupil.diploma]  # type: ignore[attr-defined]
    if request.method == "POST":
        chosen = {p.pk: request.POST.get(f"diploma-{p.pk}", "") for p in pupils}
        errors = [p for p in pupils if chosen[p.pk] not in DIPLOMA_VALUES]
        # What the page showed per pupil: a row not changed on it is not written (set_group_diploma).
        shown_codes = {p.pk: request.POST.get(f"getoond-{p.pk}") for p in pupils}
        shown = {pk: DIPLOMA_VALUES[code] for pk, code in shown_codes.items() if code in DIPLOMA_VALUES}
        if not errors:
            try:
                changed = set_group_diploma(
                    pupils=pupils,
                    chosen={pk: DIPLOMA_VALUES[code] for pk, code in chosen.items()},
                    shown=shown or None,
                    by=request.user,
                )
            except versions.StaleVersion as exc:
                stale = exc.messages
            else:
                return go_to(
                    request, back, _("De diploma-uitslag is opgeslagen (%(count)d gewijzigd).") % {"count": changed}
                )
        for pupil in pupils:  # shown again as the user chose
            pupil.choice = chosen[pupil.pk]  # type: ignore[attr-defined]
    return modal_or_page(
        request,
        "students/partials/group_diploma.html",
        {"group": listing.selected_group, "pupils": pupils, "errors": errors, "stale": stale, "cancel_url": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_elders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a destination elsewhere that was recorded by mistake (with confirmation)."""
    elders = Elders.objects.filter(pk=pk, pupil__in=pupils_visible_to(request.user)).select_related("pupil").first()
    if elders is None:
        raise Http404
    pupil = _editable_pupil(request, elders.pupil_id)
    if request.method == "POST":
        delete_elders(elders=elders)
        return go_to(request, _pupil_url(pupil), _("De bestemming elders is verwijderd."))
    return modal_or_page(
        request, "students/partials/elders_delete.html", {"elders": elders, "cancel_url": _pupil_url(pupil)}
    )
