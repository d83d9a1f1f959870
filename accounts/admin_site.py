"""Django admin for the servicedesk only, and only after the second factor."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class VorocAdminSite(admin.AdminSite):
    site_header = _("VOROC servicedesk")
    site_title = _("VOROC servicedesk")
    index_title = _("Beheer")
    # The side bar would squeeze the user list on a school laptop screen.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_verified())

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not request.user.is_staff:
                raise PermissionDenied  # school, mbo and gemeente users never reach the admin
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        # One login for the whole site: password, then the TOTP step of accounts.
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied  # school, mbo and gemeente users never reach the admin
        if request.user.is_authenticated and not request.user.is_verified():
            return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': target})}")
        return redirect(f"{reverse('accounts:login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
