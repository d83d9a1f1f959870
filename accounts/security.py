"""Who is asking: the client's address behind a known number of proxies, and the login name as typed."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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


def normalise_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """Login names are case-insensitive, so lockouts must be too ("Decaan.VO1" is "decaan.vo1")."""
    source = credentials or getattr(request, "POST", None)
    value = (source or {}).get(settings.AXES_USERNAME_FORM_FIELD) or ""
    return str(value).strip().lower()


def loggable_username(value) -> str:
    """The login name as typed, for log lines and the audit log. Someone may type a BSN or a password into
    the field: anything made of digits or holding a space is not written down."""
    text = str(value or "").strip().lower()[:150]
    if not text or text.replace(" ", "").replace(".", "").replace("-", "").isdigit() or any(c.isspace() for c in text):
        return "(onleesbare loginnaam)"
    return text


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE)."""
    return f"{{username: {loggable_username(username)!r}, ip_address: {ip_address!r}, path_info: {path_info!r}}}"
