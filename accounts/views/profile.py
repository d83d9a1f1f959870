"""Mijn profiel (a pop-up), Verander wachtwoord (a pop-up) and the profile check at first login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from ..access import AuthenticatedRequest, home_url
from ..forms import ChangePasswordForm, ProfileForm
from ..models import User
from ..services import send_password_changed_mail, update_profile
from ..signals import password_changed
from .modals import close_modal, modal_or_page


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # A separate instance: an invalid POST must not change request.user (shown in the header).
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk), leerling=user.is_leerling)
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, data=form.cleaned_data)
        text = _("Je gegevens zijn opgeslagen.") if user.is_leerling else _("Uw gegevens zijn opgeslagen.")
        return close_modal(request, text, page_url=home_url(user))
    return modal_or_page(
        request,
        "accounts/partials/profile.html",
        {"form": form, "profile_user": user, "has_second_factor": user_has_device(user)},
    )


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: AuthenticatedRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Keeps this session; every other session of this user ends (their auth hash no longer matches).
        update_session_auth_hash(request, user)
        password_changed.send(sender=User, user=user, how="profiel")
        send_password_changed_mail(user=user)
        text = (
            _("Je wachtwoord is gewijzigd. Je krijgt een bevestiging per e-mail.")
            if user.is_leerling
            else _("Uw wachtwoord is gewijzigd. U ontvangt een bevestiging per e-mail.")
        )
        return close_modal(request, text, page_url=home_url(user))
    return modal_or_page(request, "accounts/partials/change_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_check(request: AuthenticatedRequest) -> HttpResponse:
    """First login: check the mandatory personal data before going on."""
    user = request.user
    if user.profile_checked_at is not None:
        return redirect(home_url(user))
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk), leerling=user.is_leerling)
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, data=form.cleaned_data, confirm=True)
        messages.success(request, _("Dank u wel, uw gegevens zijn bevestigd."))
        return redirect(home_url(user))
    # No tabs yet: they all lead back here until the check is done.
    return render(request, "accounts/profile_check.html", {"form": form, "profile_user": user, "hide_nav": True})
