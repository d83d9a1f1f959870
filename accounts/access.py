"""Role checks for views. Which *pupils* a user sees is decided in students.selectors, in one place.

Not logged in: to the login page. Logged in without the role a screen needs: 403.

A leerling (pupil) sees only their own things: the pages in PUPIL_PAGES. Every other address answers 404 for them,
whether or not it exists for staff (accounts.middleware.PupilPagesOnlyMiddleware; role_required answers 404 too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import ResolverMatch, reverse
from django_htmx.middleware import HtmxDetails

from .models import Role, User

VO_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.ZORGCOORDINATOR})
VO_MANAGING_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN})
SCHOOL_ADMIN_ROLES = frozenset({Role.DECAAN_BEHEERDER})
MBO_ROLES = frozenset({Role.ROC})
GEMEENTE_ROLES = frozenset({Role.GEMEENTE})
ALL_STAFF_ROLES = frozenset(Role) - {Role.LEERLING}
PUPIL_ROLES = frozenset({Role.LEERLING})

# What a leerling may open: the pupil's own pages (the namespace "leerling": their dossier home and the public
# pages to register), Mijn profiel with its password and second factor, logging out, the language, and the pages
# anyone may open (the login, a forgotten password, the start address that sends them home). Nothing else.
PUPIL_NAMESPACES = frozenset({"leerling"})
PUPIL_PAGES = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_sent",
        "accounts:password_reset_confirm",
        "accounts:profile",
        "accounts:change_password",
        "accounts:profile_check",
        "accounts:otp_verify",
        "accounts:otp_setup",
        "set_language",
        "voroc.views.home",
        "voroc.views.favicon",
    }
)


def pupil_may_open(match: ResolverMatch) -> bool:
    """Whether a leerling may open the page ``match`` resolved to."""
    return match.view_name in PUPIL_PAGES or bool(PUPIL_NAMESPACES & set(match.namespaces))


def home_url(user: Any) -> str:
    """Where a user starts: a leerling on their own dossier, everyone else on Meldingen."""
    if getattr(user, "role", None) == Role.LEERLING:
        return reverse("leerling:home")
    return reverse("notifications:meldingen")


class HtmxRequest(HttpRequest):
    """A request as a view gets it: django_htmx's middleware has given it ``htmx``. For annotations only: Django
    makes the requests."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request past ``login_required`` or ``role_required``: its user is a User, never the anonymous one."""

    user: User


class RoleRequiredMixin(LoginRequiredMixin):
    """A view open to the roles in ``roles`` only."""

    roles: Iterable[str] = ALL_STAFF_ROLES

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.role not in self.roles:
            if request.user.role == Role.LEERLING:
                raise Http404  # a pupil's own pages are all a pupil sees
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def role_required(roles: Iterable[str]) -> Callable:
    """The function-view form of RoleRequiredMixin."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.role not in allowed:
                if request.user.role == Role.LEERLING:
                    raise Http404  # a pupil's own pages are all a pupil sees
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
