"""Searching pupils by name or by a whole BSN, on every screen that has a search box.

What is kept of a search (in the session behind its token, in an export job's parameters) is the text as typed,
or for a whole BSN only its keyed index: ``search_key()`` (accounts.privacy, also used by every admin search). A
screen shows a BSN search as "een BSN", never the number (``is_bsn_key()``, ``shown_search()``), and finds the pupil
through the blind index (``search_pupils()``).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from accounts.privacy import bsn_index_of, is_bsn_key, search_key, shown_search

from .models.pupil import fold

__all__ = ["bsn_index_of", "is_bsn_key", "search_key", "search_pupils", "shown_search"]

M = TypeVar("M", bound=Model)


def search_pupils(pupils: QuerySet[M], text: str, *, prefix: str = "") -> QuerySet[M]:
    """A whole BSN through its keyed index; else every word must occur in the name, accents and case aside
    ("daniel ozturk" and "Öztürk, Daniël" match). ``prefix`` reaches the pupil from another model ("pupil__")."""
    kept = search_key(text)
    if is_bsn_key(kept):
        return pupils.filter(**{f"{prefix}bsn_index": bsn_index_of(kept)})
    for word in fold(kept).split()[:5]:
        pupils = pupils.filter(**{f"{prefix}search_name__contains": word})
    return pupils
