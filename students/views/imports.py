"""Leerlingen importeren: upload → kolommen → controle (preview) → resultaat (report, also as Excel).

The uploaded file is read once and closed at once (a temporary file on disk is deleted with it); the rows live on
sealed in a PupilImport that only its own user reaches (anyone else: 404).
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import VO_MANAGING_ROLES, AuthenticatedRequest, role_required
from accounts.bsn_like import MASK, mask_bsn_like
from accounts.uploads import dropped_files, upload_limit
from audit.models import Action
from audit.services import PupilRef, record_pupils

from ..exports import FORMATS
from ..imports import services
from ..imports.forms import MAX_UPLOAD_BYTES, MappingForm, UploadForm
from ..imports.plan import Kind
from ..imports.readers import Table, UnreadableFile
from ..imports.report import BACKGROUND_KIND, ImportReportExporter
from ..models import ExportJob, PupilImport
from ..tasks import run_export

SAMPLE_ROWS = 5


def _own_import(request: AuthenticatedRequest, pk: int) -> PupilImport:
    imp = PupilImport.objects.filter(pk=pk, user=request.user, school=request.user.organisation).first()
    if imp is None:
        raise Http404
    return imp


def _expired(request: HttpRequest, imp: PupilImport) -> HttpResponse:
    return render(request, "students/import_expired.html", {"imp": imp}, status=410)


@role_required(VO_MANAGING_ROLES)
@upload_limit(MAX_UPLOAD_BYTES)
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if dropped_files(request):
            form.add_error("bestand", _("Het bestand is groter dan 10 MB. Splits het, bijvoorbeeld per leerjaar."))
        elif form.is_valid():
            uploaded = form.cleaned_data["bestand"]
            try:
                data = uploaded.read()
            finally:
                uploaded.close()  # a temporary file on disk goes now, not at the end of the request
            try:
                imp = services.start_import(user=request.user, filename=uploaded.name, data=data)
            except UnreadableFile as exc:
                form.add_error("bestand", str(exc))
            else:
                return redirect("students:import_kolommen", pk=imp.pk)
            finally:
                del data
    return render(request, "students/import_upload.html", {"form": form})


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _samples(table: Table, mapping: dict[str, str]) -> list[str]:
    samples = []
    for index in range(len(table.headings)):
        values = [cells[index] for _line, cells in table.rows[:SAMPLE_ROWS] if index < len(cells) and cells[index]]
        shown = ", ".join(_short(mask_bsn_like(v)) for v in values[:3])
        samples.append(MASK if mapping.get(str(index)) == "bsn" and values else shown)
    return samples


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def columns(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    imp = _own_import(request, pk)
    if imp.state != PupilImport.State.PREVIEW:
        return redirect("students:import_resultaat", pk=imp.pk)
    if imp.expired:
        return _expired(request, imp)
    table = services.load_table(imp)
    initial = {
        "filter_kolom": "" if imp.filter_column is None else str(imp.filter_column),
        "filter_waarde": imp.filter_value,
    }
    form = MappingForm(
        request.POST or None,
        initial=initial,
        headings=table.headings,
        samples=_samples(table, imp.mapping),
        mapping=imp.mapping,
    )
    if request.method == "POST" and form.is_valid():
        services.confirm_mapping(
            imp=imp,
            mapping=form.mapping(),
            filter_column=form.filter_column(),
            filter_value=form.cleaned_data.get("filter_waarde", ""),
        )
        return redirect("students:import_controle", pk=imp.pk)
    return render(request, "students/import_columns.html", {"imp": imp, "form": form, "table": table})


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    imp = _own_import(request, pk)
    if request.method == "POST" and request.POST.get("actie") == "annuleren":
        if imp.state == PupilImport.State.PREVIEW:
            services.cancel_import(imp)
        return redirect("students:overzicht")
    if imp.state != PupilImport.State.PREVIEW:
        return redirect("students:import_resultaat", pk=imp.pk)
    if imp.expired:
        return _expired(request, imp)
    if not imp.mapping_confirmed:
        return redirect("students:import_kolommen", pk=imp.pk)
    if request.method == "POST" and request.POST.get("actie") == "importeren":
        return _start(request, imp)
    plan = services.plan_for(imp)
    record_pupils(Action.LIST, plan.pupils_shown(), summary="leerlingimport: controle")
    context = {
        "imp": imp,
        "counts": plan.counts(),
        "refused": plan.of(Kind.REFUSED),
        "changed": plan.of(Kind.CHANGED),
        "new": plan.of(Kind.NEW),
        "repaired": [row for row in plan.rows if row.checked.repairs and row.kind != Kind.SKIPPED],
        "missing": plan.missing,
        "new_groups": plan.new_group_names(),
        "background": imp.row_count > services.BACKGROUND_ROWS,
    }
    return render(request, "students/import_preview.html", context)


def _start(request: AuthenticatedRequest, imp: PupilImport) -> HttpResponse:
    if imp.row_count <= services.BACKGROUND_ROWS:
        services.run_import(imp)
        return redirect("students:import_resultaat", pk=imp.pk)
    PupilImport.objects.filter(pk=imp.pk).update(state=PupilImport.State.RUNNING)
    job = ExportJob.objects.create(
        user=request.user,
        kind=BACKGROUND_KIND,
        title=_("Leerlingen importeren"),
        params={"import": imp.pk, "resultaat": reverse("students:import_resultaat", args=[imp.pk])},
        total=imp.row_count,
    )
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return redirect("students:export_job", pk=job.pk)


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET"])
def result(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    imp = _own_import(request, pk)
    if imp.state == PupilImport.State.PREVIEW:
        return redirect("students:import_controle", pk=imp.pk)
    report = imp.report
    pupils = [PupilRef(line["pupil"], imp.school_id) for line in report.get("lines", []) if line.get("pupil")]
    pupils += [PupilRef(p["pupil"], imp.school_id) for p in report.get("missing", [])]
    if request.GET.get("formaat") == "xlsx" and report:
        exporter = ImportReportExporter(imp)
        content = _xlsx(exporter)
        record_pupils(Action.EXPORT, exporter.pupils(), summary="rapport van een leerlingimport")
        response = HttpResponse(content, content_type=FORMATS["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="{exporter.filename("xlsx")}"'
        return response
    record_pupils(Action.LIST, pupils, summary="leerlingimport: rapport")
    lines = report.get("lines", [])
    context = {
        "imp": imp,
        "report": report,
        "counts": report.get("counts", {}),
        "refused": [line for line in lines if line["kind"] == "refused"],
        "written": [line for line in lines if line["kind"] in ("new", "changed")],
        "missing": report.get("missing", []),
    }
    return render(request, "students/import_result.html", context)


def _xlsx(exporter: ImportReportExporter) -> bytes:
    import io

    out = io.BytesIO()
    exporter.write_xlsx(out)
    return out.getvalue()
