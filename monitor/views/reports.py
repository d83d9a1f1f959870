"""Rapportages: the gemeente's monthly reports "zonder startkwalificatie / zonder schoolbestemming", and their files.

Only a gemeente user opens it (other roles: 403); a report of another gemeente does not exist for them (404).
The list shows counts, no pupil; each download leaves VOROC with the pupils in the file and is recorded with them.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import GEMEENTE_ROLES, AuthenticatedRequest, role_required
from accounts.models import User
from audit.models import Action
from audit.services import PupilRef, record_pupils
from students.text import file_slug

from ..models import MonthlyReport
from ..privacy import removal_date
from ..reports import DEFINITIONS, school_years

FILES = {
    "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def reports_of(user: User) -> QuerySet[MonthlyReport]:
    """The reports of the user's own gemeente, newest first."""
    return MonthlyReport.objects.filter(gemeente_id=user.organisation_id).order_by("-peildatum", "-pk")


@role_required(GEMEENTE_ROLES)
@require_GET
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    reports = list(reports_of(request.user).defer("pupils_in_file"))
    # The page names no pupil (counts only): the visit is recorded as a list of none.
    record_pupils(Action.LIST, [], summary="maandrapportages")
    items = [
        {"report": r, "removed_on": removal_date(r.peildatum), "autumn": len(school_years(r.peildatum)) > 1}
        for r in reports
    ]
    return render(request, "monitor/reports.html", {"items": items, "definitions": DEFINITIONS})


def _download(request: AuthenticatedRequest, pk: int, kind: str) -> FileResponse:
    report = reports_of(request.user).select_related("gemeente").filter(pk=pk).first()
    field = getattr(report, kind) if report else None
    if report is None or not field:
        raise Http404
    extension = "xlsx" if kind == "excel" else "pdf"
    filename = f"maandrapportage-{file_slug(report.gemeente.name)}-{report.peildatum:%Y-%m-%d}.{extension}"
    pupils = [PupilRef(pupil_pk, school_id) for pupil_pk, school_id in report.pupils_in_file]
    record_pupils(Action.EXPORT, pupils, summary=f"maandrapportage gedownload: {filename}")
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=FILES[kind])


@role_required(GEMEENTE_ROLES)
@require_GET
def download_excel(request: AuthenticatedRequest, pk: int) -> FileResponse:
    return _download(request, pk, "excel")


@role_required(GEMEENTE_ROLES)
@require_GET
def download_pdf(request: AuthenticatedRequest, pk: int) -> FileResponse:
    return _download(request, pk, "pdf")
