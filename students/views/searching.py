"""The pupil lists' search: the name searched for goes into the session, not into the address."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts.privacy import needs_search_redirect, search_redirect

from ..search import search_key


class SearchInSessionMixin:
    """A list whose search form is posted (or whose address carries the search text): redirect to the same list
    with a token for the text kept in the session, a BSN only as its keyed index.

    Put it before ``RoleRequiredMixin``: only a user of the view's ``roles`` gets the redirect, everyone else
    the answer that mixin gives.
    """

    roles: Iterable[str]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.role in self.roles and needs_search_redirect(request):
            source = request.POST if request.method == "POST" else request.GET
            return search_redirect(request, request.path, source.dict(), search_key(source.get("q", "")))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
