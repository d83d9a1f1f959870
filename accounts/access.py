"""Role checks for views. Which *pupils* a user sees is decided in students.selectors, in one place.

Not logged in: to the login page. Logged in without the role a screen needs: 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .models import Role

VO_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.ZORGCOORDINATOR})
VO_MANAGING_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN})
SCHOOL_ADMIN_ROLES = frozenset({Role.DECAAN_BEHEERDER})
MBO_ROLES = frozenset({Role.ROC})
GEMEENTE_ROLES = frozenset({Role.GEMEENTE})
ALL_STAFF_ROLES = frozenset(Role)


class RoleRequiredMixin(LoginRequiredMixin):
    """A view open to the roles in ``roles`` only."""

    roles: Iterable[str] = ALL_STAFF_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def role_required(roles: Iterable[str]) -> Callable:
    """The function-view form of RoleRequiredMixin."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
