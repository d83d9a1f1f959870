"""Tab Gebruikers (decaan schoolbeheerder only): the school's users, add one, change one (name, role, e-mail),
send an invitation again, delete one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import versions
from ..access import SCHOOL_ADMIN_ROLES, AuthenticatedRequest, role_required
from ..forms import SchoolUserEditForm, SchoolUserForm
from ..models import User
from ..once import done_message
from ..selectors import staff_of
from ..services import (
    create_school_user,
    delete_school_user,
    reinvite_school_user,
    set_verzuimmelder,
    update_school_user,
)
from .modals import go_to, modal_or_page


def _list_url() -> str:
    return reverse("accounts:users")


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["GET"])
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    users = staff_of(request.user.organisation).order_by("achternaam", "voornaam", "username")
    return render(request, "accounts/users.html", {"users": users})


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SchoolUserForm(request.POST or None, school=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        user = create_school_user(school=request.user.organisation, data=form.cleaned_data)
        text = _("%(name)s is aangemaakt en krijgt een e-mail op %(email)s om een wachtwoord te kiezen.") % {
            "name": user.full_name,
            "email": user.email,
        }
        return go_to(request, _list_url(), done_message(user, text))
    return modal_or_page(request, "accounts/partials/user_form.html", {"form": form, "cancel_url": _list_url()})


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = staff_of(request.user.organisation).filter(pk=pk).first()
    if user is None:
        raise Http404
    if user.pk == request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        name = user.full_name or user.username
        delete_school_user(actor=request.user, user=user)
        return go_to(request, _list_url(), _("%(name)s is verwijderd.") % {"name": name})
    return modal_or_page(request, "accounts/partials/user_delete.html", {"target": user, "cancel_url": _list_url()})


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["POST"])
def user_verzuimmelder(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Give (or take back) the right to report absence to a user of the own school; another school's: 404."""
    user = staff_of(request.user.organisation).filter(pk=pk).first()
    if user is None:
        raise Http404
    allowed = request.POST.get("verzuimmelder") == "1"
    set_verzuimmelder(actor=request.user, user=user, allowed=allowed)
    name = user.full_name or user.username
    text = (_("%(name)s mag nu verzuim melden.") if allowed else _("%(name)s mag geen verzuim meer melden.")) % {
        "name": name
    }
    return go_to(request, _list_url(), text)


def _own_user(request: AuthenticatedRequest, pk: int) -> User:
    user = staff_of(request.user.organisation).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _own_user(request, pk)
    editing_self = user.pk == request.user.pk
    form = SchoolUserEditForm(
        request.POST or None, instance=user, school=request.user.organisation, editing_self=editing_self
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_school_user(
                actor=request.user, user=user, data=form.cleaned_data, version=form.cleaned_data.get(versions.FIELD)
            )
        except versions.StaleVersion as exc:
            versions.show_again_with(form, exc)  # another beheerder saved meanwhile: nothing written, shown again
        else:
            name = form.cleaned_data["voornaam"]
            text = (
                _("De gegevens van %(name)s zijn gewijzigd.") if changed else _("Er is niets gewijzigd bij %(name)s.")
            ) % {"name": user.full_name or name}
            return go_to(request, _list_url(), text)
    return modal_or_page(
        request, "accounts/partials/user_edit.html", {"form": form, "target": user, "cancel_url": _list_url()}
    )


@role_required(SCHOOL_ADMIN_ROLES)
@require_http_methods(["POST"])
def user_reinvite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A new invitation mail for a user who has not chosen a password yet (the link of the first one expires)."""
    user = _own_user(request, pk)
    if user.has_usable_password() or not user.email:
        raise PermissionDenied  # the button is offered only to users with an address who have no password yet
    reinvite_school_user(actor=request.user, user=user)
    text = _("%(name)s krijgt een nieuwe uitnodiging op %(email)s.") % {
        "name": user.full_name or user.username,
        "email": user.email,
    }
    return go_to(request, _list_url(), text)
