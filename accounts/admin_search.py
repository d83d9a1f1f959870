"""Admin searches without the search text in the address: Django's admin searches with ``?q=…``, which would
put names (or a BSN) in browser history and server logs. The text goes into the session; ``q`` becomes a token."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect

from .privacy import keep_search, kept_search

TOKEN_PREFIX = "~"  # noqa: S105 (marks a search token, not a secret)


class PrivateSearchAdmin(admin.ModelAdmin):
    def search_key(self, text: str) -> str:
        """What the session keeps of a search (a subclass keeps a BSN only as its index)."""
        return text

    def shown_search(self, kept: str) -> str:
        """What the search box shows again."""
        return kept

    def changelist_view(self, request, extra_context=None):
        text = request.GET.get("q", "")
        if request.method == "GET" and text.strip() and not text.startswith(TOKEN_PREFIX):
            params = request.GET.copy()
            params["q"] = TOKEN_PREFIX + keep_search(request, self.search_key(text.strip()))
            return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")
        return super().changelist_view(request, extra_context)

    def kept(self, request, search_term: str) -> str:
        return (
            kept_search(request, search_term.removeprefix(TOKEN_PREFIX))
            if search_term.startswith(TOKEN_PREFIX)
            else search_term
        )

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, self.kept(request, search_term))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.query = self.shown_search(self.kept(request, changelist.query))
        return changelist
