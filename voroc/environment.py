"""What VOROC reads from the environment before Django starts: strict yes/no flags."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off"})


def flag(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off (any case); empty or unset is ``default``.

    Anything else (a typo such as "ture") stops the start: a misspelt VOROC_PRODUCTION must not quietly mean
    development, nor a misspelt AXES_ENABLED switch the lockout off.
    """
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes or no: use 1/0, true/false, yes/no or on/off, or leave it unset."
    )
