"""Overview as Excel or PDF (at once, or in the background for a long list), and the print view."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.access import VO_ROLES, AuthenticatedRequest, role_required
from accounts.privacy import needs_search_redirect, params_with_search, search_redirect
from audit.models import Action
from audit.services import PupilRef, record_pupils

from ..exports import BACKGROUND_ROWS, FORMATS, Exporter, build_exporter, build_listing, render_export
from ..models import ExportJob, Status
from ..search import search_key
from ..tasks import run_export


@role_required(VO_ROLES)
@require_GET
def export_view(request: AuthenticatedRequest) -> HttpResponse:
    if needs_search_redirect(request):  # a typed address with the name itself: on to its token
        return search_redirect(request, request.path, request.GET.dict(), search_key(request.GET.get("q", "")))
    params = params_with_search(request, request.GET)
    fmt = params.get("formaat", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    count = build_listing(request.user, params).count()
    return export_response(
        request, params=params, count=count, kind=ExportJob.OVERVIEW, what="overzicht",
        build=lambda: build_exporter(request.user, params),
    )  # fmt: skip


def export_response(
    request: AuthenticatedRequest,
    *,
    params: dict[str, str],
    count: int,
    kind: str,
    what: str,
    build: Callable[[], Exporter],
) -> HttpResponse:
    """The export of a list as chosen on screen (``params`` holds formaat, already checked): at once as a download,
    recorded in the audit log, or above BACKGROUND_ROWS an ExportJob of ``kind`` made by the export task, with its
    progress page. The rows are built once: by ``build`` here, or by the task's runner."""
    fmt = params.get("formaat", "xlsx")
    if count > BACKGROUND_ROWS[fmt]:
        job = ExportJob.objects.create(user=request.user, params=params, total=count, kind=kind)
        transaction.on_commit(lambda: run_export.delay(job.pk))
        return redirect("students:export_job", pk=job.pk)
    exporter = build()
    content = render_export(exporter, fmt)
    record_pupils(Action.EXPORT, exporter.pupils(), summary=f"{what} als {fmt}")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename(fmt)}"'
    return response


def _own_job(request: AuthenticatedRequest, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def job_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress page; htmx asks again every second until the file is ready."""
    job = _own_job(request, pk)
    template = "students/partials/export_progress.html" if request.htmx else "students/export_job.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def download_view(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or job.expired or not job.file:
        return render(request, "students/export_job.html", {"job": job}, status=410 if job.expired else 409)
    # Making the file was recorded as an export; each time it leaves VOROC is one too.
    pupils = [PupilRef(pk, school_id) for pk, school_id in job.pupils_in_file]
    record_pupils(Action.EXPORT, pupils, summary=f"bestand gedownload: {job.filename}")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@role_required(VO_ROLES)
@require_GET
def print_view(request: AuthenticatedRequest) -> HttpResponse:
    if needs_search_redirect(request):
        return search_redirect(request, request.path, request.GET.dict(), search_key(request.GET.get("q", "")))
    exporter = build_exporter(request.user, params_with_search(request, request.GET))
    context = exporter.pdf_context(None)
    record_pupils(Action.EXPORT, exporter.pupils(), summary="overzicht geprint")
    return render(request, "students/print.html", {**context, "former": exporter.former, "statuses": list(Status)})
