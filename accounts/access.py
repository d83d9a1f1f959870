"""Role checks for views. Which *pupils* a user sees is decided in students.selectors, in one place.

Not logged in: to the login page. Logged in without the role a screen needs: 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

from .models import Role, User

VO_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.ZORGCOORDINATOR})
VO_MANAGING_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN})
SCHOOL_ADMIN_ROLES = frozenset({Role.DECAAN_BEHEERDER})
MBO_ROLES = frozenset({Role.ROC})
GEMEENTE_ROLES = frozenset({Role.GEMEENTE})
ALL_STAFF_ROLES = frozenset(Role)


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
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def role_required(roles: Iterable[str]) -> Callable:
    """The function-view form of RoleRequiredMixin."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
