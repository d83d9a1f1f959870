"""Who is acting, from where, on which screen: set per request by the middleware, per task or command by
``acting_as``. The audit functions read it, so the code that records an event need not pass it along."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    role: str
    organisation_id: int | None
    ip: str | None
    screen: str
    method: str


_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)
_system: ContextVar[Actor | None] = ContextVar("audit_system", default=None)
# Entries of what a request shows (views, lists, exports), kept on the request until its response is known.
_UNTIL_SHOWN = "_audit_until_shown"


def actor_of_user(user, *, ip: str | None = None, screen: str = "", method: str = "") -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(None, "", "", None, ip, screen, method)
    return Actor(user.pk, user.full_name or user.username, user.role, user.organisation_id, ip or None, screen, method)


def screen_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name[:100]
    return request.path.split("?")[0][:100]


def current_actor() -> Actor:
    """The acting user of this request (or the system, in a task or command)."""
    system = _system.get()
    if system is not None:  # explicitly set: a task or command, also when run inside a request
        return system
    request = _request.get()
    if request is not None:
        from accounts.security import client_ip

        return actor_of_user(
            getattr(request, "user", None),
            ip=client_ip(request),
            screen=screen_of(request),
            method=request.method or "",
        )
    return Actor(None, "systeem", "", None, None, "", "")


def current_request() -> HttpRequest | None:
    return _request.get()


def keep_until_shown(entries) -> bool:
    """In a request: keep these entries (of data shown) until the response is known, and say so (True).

    The middleware writes them when the response shows the data (2xx); a request answered otherwise (403, 404,
    a redirect, an error) showed nothing, so it leaves no "bekeken" behind (a denial is recorded as such).
    Outside a request, or in a task run inside one, the caller writes them at once (False)."""
    request = _request.get()
    if request is None or _system.get() is not None:
        return False
    request.__dict__.setdefault(_UNTIL_SHOWN, []).extend(entries)
    return True


def _write_if_shown(request: HttpRequest, response: HttpResponse) -> None:
    kept = request.__dict__.pop(_UNTIL_SHOWN, None)
    if kept and 200 <= response.status_code < 300:
        from .models import AuditEntry

        AuditEntry.objects.bulk_create(kept)


@contextlib.contextmanager
def acting_as(name: str, *, screen: str, user=None) -> Iterator[None]:
    """A task or command acts: ``acting_as("terugkoppeling mbo", screen="feedback:ingest")``."""
    actor = actor_of_user(user, screen=screen) if user is not None else Actor(None, name, "", None, None, screen, "")
    token = _system.set(actor)
    try:
        yield
    finally:
        _system.reset(token)


class AuditContextMiddleware:
    """Makes the request known to the audit functions; writes what the response showed; records permission
    denials (403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            response = self.get_response(request)
            _write_if_shown(request, response)
            return response
        finally:
            _request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            from .services import record_denied

            record_denied()
        return None
