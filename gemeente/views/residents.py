"""Leerlingen in de gemeente: the list of residents with Leerplicht's filters, and its exports."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts.access import GEMEENTE_ROLES, AuthenticatedRequest, RoleRequiredMixin, role_required
from accounts.models import User
from accounts.privacy import needs_search_redirect, params_with_search, search_redirect
from audit.models import Action
from audit.services import record_pupils
from students.destination import Heading
from students.exports import FORMATS
from students.models import Status
from students.schoolyear import label
from students.search import search_key
from students.views.exports import export_response

from ..exports import KIND, ResidentsExporter
from ..listing import OPEN, SIGNALS, SORTS, ResidentListing


class ResidentsView(RoleRequiredMixin, TemplateView):
    roles = GEMEENTE_ROLES
    template_name = "gemeente/residents.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The search form is posted: the name goes into the session, not into the address (accounts.privacy).
        if request.user.is_authenticated and request.user.role in self.roles and needs_search_redirect(request):
            source = request.POST if request.method == "POST" else request.GET
            return search_redirect(request, request.path, source.dict(), search_key(source.get("q", "")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)
        params = params_with_search(self.request, self.request.GET)
        listing = ResidentListing(user=user, params=params)
        counts = listing.counts()
        page, rows = listing.page(params.get("pagina"))
        record_pupils(Action.LIST, (row.pupil for row in rows), summary=f"leerlingen in de gemeente, {listing.year}")
        sort = listing.sort
        return {
            **super().get_context_data(**kwargs),
            "listing": listing,
            "counts": counts,
            "headings": [(h, counts[h.value]) for h in Heading],
            # Each signal with its count and the link that chooses it (or, when chosen, clears it again).
            "signals": [
                (key, text, counts[key], listing.link(kenmerk="" if listing.signal == key else key, pagina=""))
                for key, (text, _q) in SIGNALS.items()
            ],
            "OPEN": OPEN,
            "page": page,
            "rows": rows,
            "statuses": list(Status),
            "school_year": label(listing.year),
            "export_query": listing.link()[1:],
            "sort_links": {
                key: listing.link(sort=f"-{key}" if sort == key else key) for key in SORTS if not key.startswith("-")
            },
        }


@role_required(GEMEENTE_ROLES)
@require_GET
def export_view(request: AuthenticatedRequest) -> HttpResponse:
    if needs_search_redirect(request):
        return search_redirect(request, request.path, request.GET.dict(), search_key(request.GET.get("q", "")))
    params = params_with_search(request, request.GET)
    fmt = params.get("formaat", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    listing = ResidentListing(user=request.user, params=params)
    return export_response(
        request, params=params, count=listing.pupils().count(), kind=KIND, what="leerlingen in de gemeente",
        build=lambda: ResidentsExporter(listing),
    )  # fmt: skip
