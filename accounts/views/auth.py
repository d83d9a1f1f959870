"""Inloggen, uitloggen and "Wachtwoord vergeten?"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ..access import home_url, pupil_may_open
from ..forms import LoginForm, NewPasswordForm, PasswordResetRequestForm
from ..models import Role
from ..security import client_ip
from ..services import unlock_login
from ..signals import password_changed
from ..tasks import password_reset


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)

    def get_success_url(self) -> str:
        """Where "next" leads, except for a leerling whom it would lead to a page that does not exist for them (a
        bookmark of Meldingen, the start address before login): their own home instead of a 404."""
        url = super().get_success_url()
        user = self.request.user
        if getattr(user, "role", None) == Role.LEERLING:
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                return home_url(user)
            if not pupil_may_open(match):
                return home_url(user)
        return url

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, attempts_left=self._attempts_left(form)))

    def _attempts_left(self, form: AuthenticationForm) -> int | None:
        """Warn before the lockout: how many tries this login name has left from this address."""
        username = form.cleaned_data.get("username") if hasattr(form, "cleaned_data") else None
        if not username:
            return None
        attempt = AccessAttempt.objects.filter(username=username, ip_address=client_ip(self.request)).first()
        left = settings.AXES_FAILURE_LIMIT - (attempt.failures_since_start if attempt else 0)
        return left if 0 < left <= 2 else None


class LogoutView(auth_views.LogoutView):
    """POST logs out; a GET (a typed or bookmarked address) asks first instead of answering 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout_confirm.html")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent uitgelogd."))
        return response


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same work for every name in the request; the look-up and the mail happen in a task after the commit.
        username = form.cleaned_data["username"]
        transaction.on_commit(lambda: password_reset.delay(username), robust=True)
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset_request.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/password_reset_sent.html", {"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever can read the account's mail may log in again at once, even after a lockout.
        unlock_login(username=form.user.username)
        password_changed.send(sender=type(form.user), user=form.user, how="herstellink")
        messages.success(self.request, _("Uw nieuwe wachtwoord is opgeslagen. U kunt nu inloggen."))
        return response
