"""How often the public pages (a registration, a wrong school code) may be used from one address: counters in the
cache, as the login's lockout counts per login name and address (django-axes). Past the limit the page says to wait;
it never says whether a pupil exists."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from accounts.security import client_ip

WINDOW = 15 * 60  # seconds
# At most this many registrations, and this many wrong codes, per address in WINDOW.
REGISTRATIONS = 10
WRONG_CODES = 5


def _key(scope: str, request: HttpRequest) -> str:
    return f"voroc:dossier-throttle:{scope}:{client_ip(request)}"


def blocked(scope: str, request: HttpRequest, limit: int) -> bool:
    return int(cache.get(_key(scope, request), 0)) >= limit


def count(scope: str, request: HttpRequest) -> None:
    key = _key(scope, request)
    if cache.add(key, 1, timeout=WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW)
