"""The second factor: set up a TOTP authenticator once, then give its code after the password."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import AuthenticatedRequest, home_url
from ..forms import TOTPCodeForm
from ..otp import check_code


def _code_form(request: AuthenticatedRequest) -> TOTPCodeForm:
    form = TOTPCodeForm(request.POST or None)
    if request.user.is_leerling:
        form.fields["code"].label = _("Code uit je authenticator-app")
    return form


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    """The session is verified from now on: it gets a new key (and CSRF token), as at the password step, so that a
    session key seen before this step (on a shared computer, in a log) does not become a verified one."""
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "admin:index" if request.user.is_staff else home_url(request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    # OTPMiddleware gives every user is_verified(); the User model does not declare it.
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect("accounts:otp_setup")
    form = _code_form(request)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
        verdict = check_code(devices, form.cleaned_data["code"])
        if verdict.device is not None:
            _second_factor_passed(request, verdict.device)
            return redirect(_next_url(request))
        form.add_error("code", verdict.error)
    return render(request, "accounts/otp_verify.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user_has_device(user):
        return redirect("accounts:otp_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _("Authenticator-app")}
    )
    form = _code_form(request)
    if request.method == "POST" and form.is_valid():
        verdict = check_code([device], form.cleaned_data["code"])
        if verdict.device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _second_factor_passed(request, device)
            messages.success(request, _("Tweestapsverificatie is ingesteld."))
            return redirect(_next_url(request))
        form.add_error("code", verdict.error)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_inline_svg(buffer.getvalue())),  # generated here, no user input
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


def _inline_svg(data: bytes) -> str:
    text = data.decode()
    return text[text.index("<svg") :]
