"""How often the public pages (a registration, a wrong school code) may be used: counters in the cache, as the login's
lockout counts per login name and address (django-axes). Past a limit the page says to wait; it never says whether a
pupil exists.

A whole class may register at once from one school network (one address to the outside), so the limits per address
are generous; what protects a mailbox is the limit per e-mail address, and what protects the codes is their length
(31^12) with the wrong tries per address."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from accounts.security import client_ip

WINDOW = 15 * 60  # seconds
REGISTRATIONS = 60  # per address in WINDOW (a class of 30, each perhaps twice)
WRONG_CODES = 20  # per address in WINDOW (a few typos per class; guessing a code needs ~10^17 tries)
MAILS_PER_ADDRESS = 3  # registrations for one e-mail address in WINDOW: nobody's mailbox is flooded


def _key(scope: str, who: str) -> str:
    return f"voroc:dossier-throttle:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


def _of(scope: str, request: HttpRequest, email: str | None) -> str:
    return _key(scope, email.strip().lower() if email is not None else client_ip(request))


def blocked(scope: str, request: HttpRequest, limit: int, *, email: str | None = None) -> bool:
    return int(cache.get(_of(scope, request, email), 0)) >= limit


def count(scope: str, request: HttpRequest, *, email: str | None = None) -> None:
    key = _of(scope, request, email)
    if cache.add(key, 1, timeout=WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW)
