"""The list behind a count of the monitor, and its export (Excel, PDF) with the choice in the file's header."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import AuthenticatedRequest, role_required
from accounts.models import User
from audit.models import Action
from audit.services import record_pupils
from students.exports import FORMATS
from students.schoolyear import label
from students.views.exports import export_response

from ..exports import KIND, MonitorListExporter
from ..figures import MONITOR_ROLES
from ..listing import MonitorList, UnknownList


def _listing(request: HttpRequest) -> MonitorList:
    try:
        return MonitorList(user=cast(User, request.user), params=request.GET.dict())
    except UnknownList:
        raise Http404 from None


@role_required(MONITOR_ROLES)
@require_GET
def monitor_list(request: AuthenticatedRequest) -> HttpResponse:
    listing = _listing(request)
    page = listing.page(request.GET.get("pagina"))
    rows = list(page.object_list)
    pupils = [row if listing.unit == "pupils" else row.pupil for row in rows]
    record_pupils(Action.LIST, pupils, summary=f"monitor: {' · '.join(listing.describe())}")
    return render(
        request,
        "monitor/list.html",
        {
            "listing": listing,
            "page": page,
            "rows": rows,
            "school_year": label(listing.scope.year),
            "export_query": listing.link()[1:],
            "back": "?jaar=vorig" if listing.params.get("jaar") == "vorig" else "",
        },
    )


@role_required(MONITOR_ROLES)
@require_GET
def monitor_export(request: AuthenticatedRequest) -> HttpResponse:
    fmt = request.GET.get("formaat", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    listing = _listing(request)
    return export_response(
        request, params=request.GET.dict(), count=listing.rows().count(), kind=KIND,
        what=f"monitor: {' · '.join(listing.describe())}", build=lambda: MonitorListExporter(listing),
    )  # fmt: skip
