"""The school's side of pupils' accounts: Uitnodigen from the pupil's page, and Leerlingaccounts (decanen): the school
invitation code and the registrations that wait for the decaan to say who the pupil is."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import VO_MANAGING_ROLES, AuthenticatedRequest, role_required
from accounts.once import done_message, posted_twice
from accounts.views.modals import go_to, modal_or_page, service_errors_into_form
from audit.models import Action
from audit.services import record_pupils
from students.models import Pupil
from students.selectors import EDITING_ROLES, get_pupil_for_user, groups_visible_to, pupils_visible_to
from students.text import posted_number

from ..forms import ConfirmRegistrationForm, InviteForm
from ..models import CODE_VALID, INVITATION_VALID, AccountState, PupilAccount, RegistrationStatus
from ..selectors import pupil_accounts_visible_to, registrations_visible_to, waiting_registrations
from ..services import (
    candidates_for,
    confirm_registration,
    create_code,
    current_code,
    invite_group,
    invite_pupil,
    reinvite_pupil,
    reject_registration,
    remove_account,
    revoke_code,
)


def _index_url() -> str:
    return reverse("leerlingaccounts:index")


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    decided = registrations_visible_to(request.user).exclude(status=RegistrationStatus.SCHOOL)
    return render(
        request,
        "dossier/school/index.html",
        {
            "code": current_code(request.user.organisation),
            "code_days": CODE_VALID.days,
            # The site's own address (settings), not the request's Host header.
            "register_url": settings.VOROC_BASE_URL.rstrip("/") + reverse("leerling:registreren"),
            "waiting": list(waiting_registrations(request.user)),
            "decided": list(
                decided.exclude(status=RegistrationStatus.EMAIL).select_related("pupil", "decided_by")[:10]
            ),
        },
    )


@role_required(VO_MANAGING_ROLES)
@require_POST
def code_create(request: AuthenticatedRequest) -> HttpResponse:
    had_one = current_code(request.user.organisation) is not None
    code = create_code(actor=request.user)
    if posted_twice(code):
        text = done_message(code, "")
    elif had_one:
        text = _("De nieuwe code is %(code)s. De vorige code werkt niet meer.") % {"code": code.code}
    else:
        text = _("De code van uw school is %(code)s.") % {"code": code.code}
    return go_to(request, _index_url(), text)


@role_required(VO_MANAGING_ROLES)
@require_POST
def code_revoke(request: AuthenticatedRequest) -> HttpResponse:
    count = revoke_code(actor=request.user)
    text = _("De code is ingetrokken: er kan geen account meer mee worden gemaakt.") if count else ""
    return go_to(request, _index_url(), text)


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def registration(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Who is this pupil? The decaan picks the pupil from a short list, or rejects the registration."""
    found = registrations_visible_to(request.user).select_related("pupil", "decided_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    waiting = found.status == RegistrationStatus.SCHOOL
    candidates = candidates_for(found) if waiting else []
    form = ConfirmRegistrationForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and waiting:
        try:
            if request.POST.get("besluit") == "afwijzen":
                reject_registration(actor=request.user, registration=found)
                return go_to(request, _index_url(), _("De registratie van %(name)s is afgewezen; de leerling krijgt "
                                                       "een e-mail.") % {"name": found.full_name})  # fmt: skip
            if form.is_valid():
                pupil = form.cleaned_data["pupil"]
                confirm_registration(actor=request.user, registration=found, pupil=pupil)
                return go_to(
                    request,
                    _index_url(),
                    _("Het account is gekoppeld aan %(name)s; de leerling krijgt een e-mail en kan nu inloggen.")
                    % {"name": pupil.full_name},
                )
        except ValidationError as exc:
            service_errors_into_form(form, exc, "pupil")
    if candidates:  # the short list names pupils of the school
        record_pupils(Action.LIST, candidates, summary="registratie van een leerling bevestigen: keuzelijst")
    return render(
        request,
        "dossier/school/registration.html",
        {"registration": found, "waiting": waiting, "form": form, "candidates": candidates},
    )


def _invitable(request: AuthenticatedRequest, pk: int) -> tuple[Pupil, PupilAccount | None]:
    """The pupil (404 outside the scope) and its account; only the pupil's own school, and who may edit, invite."""
    pupil, rights = get_pupil_for_user(request.user, pk)
    if not rights.can_edit or request.user.role not in EDITING_ROLES or pupil.school_id != request.user.organisation_id:
        raise PermissionDenied
    account = pupil_accounts_visible_to(request.user).filter(pupil=pupil).first()
    return pupil, account


@role_required(EDITING_ROLES)
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Uitnodigen: a mail with a link to choose a password (the address from the pupil record, or typed)."""
    pupil, account = _invitable(request, pk)
    pupil_url = reverse("students:leerling", args=[pupil.pk])
    if account is not None and account.state in (AccountState.ACTIEF, AccountState.WACHT):
        raise PermissionDenied  # the button is offered only to pupils without an active account
    initial = {"email": (account.invite_email if account else "") or pupil.email}
    form = InviteForm(request.POST or None, initial=initial, account_user=account.user if account else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = invite_pupil(actor=request.user, pupil=pupil, email=form.cleaned_data["email"])
        except ValidationError as exc:
            service_errors_into_form(form, exc, "email")
        else:
            text = _("%(name)s krijgt een uitnodiging op %(email)s. De link is %(days)s dagen geldig.") % {
                "name": pupil.full_name,
                "email": made.invite_email,
                "days": INVITATION_VALID.days,
            }
            return go_to(request, pupil_url, done_message(made, text))
    return modal_or_page(
        request,
        "dossier/partials/invite_form.html",
        {
            "form": form,
            "pupil": pupil,
            "account": account,
            "cancel_url": pupil_url,
            "valid_days": INVITATION_VALID.days,
        },
    )


@role_required(EDITING_ROLES)
@require_POST
def reinvite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Opnieuw sturen: a new link to the address the last invitation went to."""
    pupil, account = _invitable(request, pk)
    if account is None or account.state not in (AccountState.UITGENODIGD, AccountState.VERLOPEN):
        raise PermissionDenied
    made = reinvite_pupil(actor=request.user, account=account)
    text = _("%(name)s krijgt een nieuwe uitnodiging op %(email)s.") % {
        "name": pupil.full_name,
        "email": made.invite_email,
    }
    return go_to(request, reverse("students:leerling", args=[pupil.pk]), done_message(made, text))


@role_required(EDITING_ROLES)
@require_http_methods(["GET", "POST"])
def group_invite(request: AuthenticatedRequest) -> HttpResponse:
    """Leerlingen uitnodigen (from a group in Leerling overzicht): the group's pupils with their account; those
    without one are ticked and invited at the address of their pupil record."""
    chosen = request.GET.get("groep", "")
    group = groups_visible_to(request.user).filter(pk=chosen).first() if posted_number(chosen) is not None else None
    if group is None:
        raise Http404
    pupils = list(
        pupils_visible_to(request.user)
        .filter(group=group, school_id=request.user.organisation_id)
        .select_related("account", "account__user")
    )
    back = reverse("students:overzicht") + f"?groep={group.pk}"
    if request.method == "POST":
        ticked = {value for value in request.POST.getlist("leerling") if posted_number(value) is not None}
        invited, skipped = invite_group(actor=request.user, pupils=[p for p in pupils if str(p.pk) in ticked])
        text = ngettext(
            "%(count)d leerling krijgt een uitnodiging.", "%(count)d leerlingen krijgen een uitnodiging.", len(invited)
        ) % {"count": len(invited)}
        if skipped:
            text += " " + ngettext(
                "%(count)d leerling had al een uitnodiging of account (of het e-mailadres is al in gebruik) en is "
                "overgeslagen.",
                "%(count)d leerlingen hadden al een uitnodiging of account (of het e-mailadres is al in gebruik) en zijn "
                "overgeslagen.",
                len(skipped),
            ) % {"count": len(skipped)}
        return go_to(request, back, text)
    record_pupils(Action.LIST, pupils, summary=f"leerlingen uitnodigen, groep {group.name}")
    rows = [(pupil, getattr(pupil, "account", None)) for pupil in pupils]
    return modal_or_page(
        request,
        "dossier/partials/group_invite.html",
        {"group": group, "rows": rows, "cancel_url": back, "valid_days": INVITATION_VALID.days},
    )


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Account opheffen (asks first): the pupil's login goes; the pupil record stays."""
    pupil, account = _invitable(request, pk)
    if account is None:
        raise Http404
    pupil_url = reverse("students:leerling", args=[pupil.pk])
    if request.method == "POST":
        remove_account(actor=request.user, account=account)
        return go_to(request, pupil_url, _("Het account van %(name)s is opgeheven.") % {"name": pupil.full_name})
    return modal_or_page(
        request, "dossier/partials/remove_account.html", {"pupil": pupil, "account": account, "cancel_url": pupil_url}
    )
