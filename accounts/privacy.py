"""Personal data stays out of addresses (browser history, proxy and server logs, Referer headers).

A search on a name is posted, kept in the user's session under a short random token, and the address
carries only the token (``?zoek=k3J9xQ``). A typed address with ``?q=…`` is moved to a token at once.
A whole BSN searched for is kept only as its keyed index (``search_key``) and never shown again.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import urlencode

from . import crypto
from .bsn_like import normalise, passes_elfproef

SESSION_KEY = "voroc_searches"
TOKEN_PARAM = "zoek"  # noqa: S105 (a query parameter's name, not a secret)
TEXT_PARAM = "q"
MAX_KEPT = 20  # the newest searches of a session; an older token simply finds nothing
BSN_KEY_PREFIX = "bsn-index:"


def search_key(text: str) -> str:
    """What is kept of a search: the text, or for a whole BSN only its keyed index (never the number).

    The index is the BSN's blind index (students.bsn.blind_index), so a search can find the pupil through it."""
    text = (text or "").strip()
    if is_bsn_key(text):
        return text
    candidate = normalise(text)
    if passes_elfproef(candidate):
        return BSN_KEY_PREFIX + crypto.blind_index(candidate)
    return text


def is_bsn_key(kept: str) -> bool:
    return (kept or "").startswith(BSN_KEY_PREFIX)


def bsn_index_of(kept: str) -> str:
    return kept.removeprefix(BSN_KEY_PREFIX)


def shown_search(kept: str) -> str:
    """What a search box shows again: the text, or nothing for a BSN."""
    return "" if is_bsn_key(kept) else kept


def keep_search(request: HttpRequest, text: str) -> str:
    """The token for ``text`` in this session (the same text keeps its token)."""
    searches: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    for token, kept in searches.items():
        if kept == text:
            return token
    token = secrets.token_urlsafe(6)
    searches[token] = text
    while len(searches) > MAX_KEPT:
        searches.pop(next(iter(searches)))
    request.session[SESSION_KEY] = searches
    return token


def kept_search(request: HttpRequest, token: str) -> str:
    return request.session.get(SESSION_KEY, {}).get(token, "") if token else ""


def params_with_search(request: HttpRequest, params: Mapping[str, str]) -> dict[str, str]:
    """The page's parameters with the search text put back (``q``) from the token (``zoek``)."""
    values = {k: v for k, v in params.items() if k not in (TEXT_PARAM, TOKEN_PARAM)}
    text = kept_search(request, params.get(TOKEN_PARAM, ""))
    if text:
        values[TEXT_PARAM] = text
        values[TOKEN_PARAM] = params[TOKEN_PARAM]
    return values


def search_redirect(request: HttpRequest, path: str, params: Mapping[str, str], text: str) -> HttpResponseRedirect:
    """To ``path`` with ``params`` and, instead of the search text, its token."""
    values = {k: v for k, v in params.items() if v and k not in (TEXT_PARAM, TOKEN_PARAM, "csrfmiddlewaretoken")}
    text = text.strip()[:100]
    if text:
        values[TOKEN_PARAM] = keep_search(request, text)
    return HttpResponseRedirect(f"{path}?{urlencode(values)}" if values else path)


def needs_search_redirect(request: HttpRequest) -> bool:
    """A posted search form, or an address that carries the search text itself."""
    return request.method == "POST" or TEXT_PARAM in request.GET
