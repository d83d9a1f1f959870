"""Optimistic version checks for the edit screens two people can open at once (pupil data, groups, aanmelding
status, flags).

The page carries a ``versie``: a fingerprint of the values it was built from. The service that saves compares
it with the fingerprint of what is stored now, under a row lock, and refuses the whole save when they differ
(``StaleVersion``); the view shows the form again with what the user typed and the new ``versie``, so a second
"Opslaan" after checking goes through. A fingerprint of the values (not ``updated_at``) so that a write to
other columns of the row (a state kept up to date by a signal) does not refuse the user's save for nothing.
A post without a ``versie`` (the API, an import, a page from before this) is not checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

FIELD = "versie"


def fingerprint(values: Mapping[str, Any]) -> str:
    """A short, stable fingerprint of the values a page shows."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class StaleVersion(ValidationError):
    """The stored data changed since the page was built; ``current`` is its version now."""

    def __init__(self, *, current: str, what: Iterable[str] = ()):
        what = [str(w) for w in what]
        detail = "; ".join(what) if what else _("de gegevens op deze pagina")
        super().__init__(
            _(
                "Iemand anders heeft deze gegevens gewijzigd sinds u de pagina opende: %(what)s. "
                "Controleer en sla opnieuw op."
            )
            % {"what": detail},
            code="stale",
        )
        self.current = current


def check_version(*, posted: str | None, current: str, what: Iterable[str] = ()) -> None:
    """Raise StaleVersion when the page's ``versie`` is not the stored data's (no check without one)."""
    if posted and posted != current:
        raise StaleVersion(current=current, what=what)


def version_field(current: str) -> forms.CharField:
    return forms.CharField(required=False, initial=current, widget=forms.HiddenInput)


def show_again_with(form: forms.BaseForm, exc: StaleVersion) -> None:
    """The form as the user filled it in, with the message on top and the current ``versie`` (so saving again
    after checking is taken)."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[FIELD] = exc.current
    form.data = data
    form.add_error(None, exc.messages)
