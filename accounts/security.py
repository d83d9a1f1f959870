"""Who is asking: the client's address behind a known number of proxies, and the login name as typed (never a
number that could be a BSN: someone may type theirs, or a pupil's, into the login name field)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from . import crypto
from .bsn_like import bsn_like_numbers, normalise, passes_elfproef


def client_ip(request: HttpRequest) -> str:
    """The client address that a client cannot forge.

    With ``TRUSTED_PROXY_COUNT`` = N proxies in front, each proxy appends the address it saw to
    X-Forwarded-For, so the N-th entry from the right was written by our outermost proxy; anything left
    of it came from the client and is ignored. Without proxies only the socket address counts.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def could_hold_a_bsn(text: str) -> bool:
    """A number in it could be a BSN (also in groups, or 8 digits that lost their leading zero)."""
    return bool(bsn_like_numbers(text, leading_zero_lost=True)) or passes_elfproef(normalise(text))


BSN_LIKE_NAME_PREFIX = "bsn?"
_LETTERS_FOR_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def normalise_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The login name as django-axes counts, stores (attempts and logs, kept for months) and shows it in admin.

    Login names are case-insensitive, so lockouts must be too ("Decaan.VO1" is "decaan.vo1"). A name that could
    hold a BSN becomes a keyed hash of it: the same typed name still counts towards its own lockout, but the
    number is never stored (the key makes it impossible to find the number back by trying all BSNs)."""
    source = credentials or getattr(request, "POST", None)
    value = str((source or {}).get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower()
    if could_hold_a_bsn(value):
        digest = crypto.blind_index("axes-login-name:" + value)[:24]
        return BSN_LIKE_NAME_PREFIX + digest.translate(_LETTERS_FOR_DIGITS)  # no digits: nothing in it looks like a BSN
    return value


def loggable_username(value) -> str:
    """The login name as typed, for log lines and the audit log. Someone may type a BSN or a password into
    the field: anything made of digits or holding a space is not written down."""
    text = str(value or "").strip().lower()[:150]
    if (
        not text
        or text.replace(" ", "").replace(".", "").replace("-", "").isdigit()
        or any(c.isspace() for c in text)
        or could_hold_a_bsn(text)
    ):
        return "(onleesbare loginnaam)"
    return text


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE)."""
    return f"{{username: {loggable_username(username)!r}, ip_address: {ip_address!r}, path_info: {path_info!r}}}"
