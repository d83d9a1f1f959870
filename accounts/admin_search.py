"""Admin searches without the search text in the address: Django's admin searches with ``?q=…``, which would
put names (or a BSN) in browser history and server logs.

The search form of these admins posts (templates/admin/search_form.html, CSRF-protected); the text goes into the
session and the list's address carries only a token (``?q=~k3J9xQ``). An address typed with ``?q=…`` is moved to a
token at once.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict

from .privacy import is_bsn_key, keep_search, kept_search, search_key, shown_search

TOKEN_PREFIX = "~"  # noqa: S105 (marks a search token, not a secret)
SEARCH_VAR = "q"
SEARCH_MARK = "_search"  # the posted search form (not the actions form of the same page)


class PrivateSearchAdmin(admin.ModelAdmin):
    posts_search = True  # the search form's method (templates/admin/search_form.html)

    def search_key(self, text: str) -> str:
        """What the session keeps of a search: a BSN only as its keyed index (BsnSearchAdmin finds by it)."""
        return search_key(text)

    def shown_search(self, kept: str) -> str:
        """What the search box shows again (nothing for a BSN)."""
        return shown_search(kept)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and SEARCH_MARK in request.POST:
            return self._to_search_token(request, request.POST, request.POST.get(SEARCH_VAR, ""))
        text = request.GET.get(SEARCH_VAR, "")
        if request.method == "GET" and text.strip() and not text.startswith(TOKEN_PREFIX):
            return self._to_search_token(request, request.GET, text)
        return super().changelist_view(request, extra_context)

    def _to_search_token(self, request, source: QueryDict, text: str) -> HttpResponseRedirect:
        """The list again, with its filters and, instead of the search text, its token."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        params = QueryDict(mutable=True)
        for key, values in source.lists():
            if key not in (SEARCH_VAR, SEARCH_MARK, "csrfmiddlewaretoken"):
                params.setlist(key, values)
        if text.strip():
            params[SEARCH_VAR] = TOKEN_PREFIX + keep_search(request, self.search_key(text.strip()))
        return HttpResponseRedirect(f"{request.path}?{params.urlencode()}" if params else request.path)

    def kept(self, request, search_term: str) -> str:
        return (
            kept_search(request, search_term.removeprefix(TOKEN_PREFIX))
            if search_term.startswith(TOKEN_PREFIX)
            else search_term
        )

    def get_search_results(self, request, queryset, search_term):
        kept = self.kept(request, search_term)
        if is_bsn_key(kept):
            return queryset.none(), False  # this list has no BSN to find by
        return super().get_search_results(request, queryset, kept)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.query = self.shown_search(self.kept(request, changelist.query))
        return changelist
