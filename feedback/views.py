"""Terugkoppeling: the ROC-gebruiker's list of their school's batches and the report of each one."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.access import MBO_ROLES, role_required
from audit.models import Action
from audit.services import record_pupils
from students.models import STATUS_CODES, Aanmelding, Status

from .models import LineKind
from .selectors import batch_lines, batches_visible_to, get_batch_for_user, pupils_named_by
from .vocabulary import VVA_STATUSES

BATCHES_PER_PAGE = 30
TAB_LABELS: dict[str, Promise] = {
    LineKind.REJECTED: _("Afgewezen"),
    LineKind.UNMATCHED: _("Wacht op leerling"),
    LineKind.WARNING: _("Waarschuwingen"),
}
LINES_PER_PAGE = 100


@role_required(MBO_ROLES)
@require_GET
def batch_list(request):
    """Newest first, with the counts of each report; 30 to a page."""
    page = Paginator(batches_visible_to(request.user).order_by("-received_at", "-pk"), BATCHES_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "feedback/batches.html",
        {
            "page": page,
            "school": request.user.organisation,
            "api_url": request.build_absolute_uri("/api/v1/feedback/batches"),
            "max_mb": settings.FEEDBACK_MAX_BYTES // 1_000_000,
        },
    )


@role_required(MBO_ROLES)
@require_GET
def batch_detail(request, pk: int):
    batch = get_batch_for_user(request.user, pk)
    if request.htmx and request.GET.get("voortgang"):
        return render(request, "feedback/partials/progress.html", {"batch": batch})
    counts = batch_lines(batch).aggregate(**{kind: Count("pk", filter=Q(kind=kind)) for kind in LineKind.values})
    kind = request.GET.get("soort")
    if kind not in LineKind.values:
        kind = next((k for k in LineKind.values if counts[k]), LineKind.REJECTED)
    page = Paginator(batch_lines(batch, kind), LINES_PER_PAGE).get_page(request.GET.get("pagina"))
    if kind == LineKind.UNMATCHED and page.object_list:
        # Whether each waiting line has found its pupil since: its aanmelding exists now (one query for the page).
        known = set(
            Aanmelding.objects.filter(
                mbo_school_id=batch.mbo_school_id, external_id__in=[item.aanmelding_id for item in page.object_list]
            ).values_list("external_id", flat=True)
        )
        for item in page.object_list:
            item.matched = item.aanmelding_id in known
    if page.object_list:  # the lines shown name aanmeldingen, so pupils (see selectors)
        shown = pupils_named_by((batch.mbo_school_id, item.aanmelding_id) for item in page.object_list)
        record_pupils(Action.LIST, shown, summary=f"terugkoppeling, levering {batch.pk}")
    return render(
        request,
        "feedback/batch.html",
        {
            "batch": batch,
            "counts": counts,
            "kind": kind,
            "kinds": [(value, TAB_LABELS[value], counts[value]) for value in LineKind.values],
            "page": page,
            "statuses": valid_statuses(),
        },
    )


def valid_statuses() -> list[tuple[int, str, str, list[str]]]:
    """For "Welke waarden zijn goed?": per status its number, code, Dutch label and the VVA words for it."""
    return [
        (
            int(status),
            code,
            str(Status(status).label),
            [word for word, meant in VVA_STATUSES.items() if meant == status],
        )
        for code, status in STATUS_CODES.items()
    ]
