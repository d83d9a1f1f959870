"""Searching pupils by name or by a whole BSN, on every screen that has a search box.

What is kept of a search (in the session behind its token, in an export job's parameters) is the text as typed,
or for a whole BSN only its keyed index: ``search_key()``. A screen shows a BSN search as "een BSN", never the
number (``is_bsn_key()``, ``shown_search()``), and finds the pupil through the blind index (``search_pupils()``).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from . import bsn as bsn_crypto
from .models.pupil import fold

BSN_KEY_PREFIX = "bsn-index:"
M = TypeVar("M", bound=Model)


def search_key(text: str) -> str:
    """What is kept of a search: the text, or for a whole BSN only its keyed index (never the number)."""
    text = (text or "").strip()
    if is_bsn_key(text):
        return text
    candidate = bsn_crypto.normalise(text)
    if bsn_crypto.passes_elfproef(candidate):
        return BSN_KEY_PREFIX + bsn_crypto.blind_index(candidate)
    return text


def is_bsn_key(kept: str) -> bool:
    return (kept or "").startswith(BSN_KEY_PREFIX)


def bsn_index_of(kept: str) -> str:
    return kept.removeprefix(BSN_KEY_PREFIX)


def shown_search(kept: str) -> str:
    """What the search box shows again: the text, or nothing for a BSN."""
    return "" if is_bsn_key(kept) else kept


def search_pupils(pupils: QuerySet[M], text: str, *, prefix: str = "") -> QuerySet[M]:
    """A whole BSN through its keyed index; else every word must occur in the name, accents and case aside
    ("daniel ozturk" and "Öztürk, Daniël" match). ``prefix`` reaches the pupil from another model ("pupil__")."""
    kept = search_key(text)
    if is_bsn_key(kept):
        return pupils.filter(**{f"{prefix}bsn_index": bsn_index_of(kept)})
    for word in fold(kept).split()[:5]:
        pupils = pupils.filter(**{f"{prefix}search_name__contains": word})
    return pupils
