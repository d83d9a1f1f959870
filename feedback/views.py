"""Terugkoppeling: the ROC-gebruiker's list of their school's batches and the report of each one."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.access import MBO_ROLES, AuthenticatedRequest, role_required
from accounts.models import User
from audit.models import Action
from audit.services import record_pupils
from students.models import STATUS_CODES, Status, StatusSource
from students.selectors import aanmeldingen_visible_to

from .models import REPORTED_LINE_KINDS, BatchState, LineKind
from .selectors import batches_visible_to, get_batch_for_user, pupils_named_by, reported_lines
from .services import held_text
from .vocabulary import VVA_STATUSES

BATCHES_PER_PAGE = 30
TAB_LABELS: dict[str, Promise] = {
    LineKind.REJECTED: _("Afgewezen"),
    LineKind.WAITING: _("Wacht op opleiding"),
    LineKind.WARNING: _("Waarschuwingen"),
}
LINES_PER_PAGE = 100


RECENT_DAYS = 14


def delivery_summary(user: User) -> dict[str, Any]:
    """For the top of Terugkoppeling, in words an mbo employee uses: the last delivery, and what of the last two
    weeks' deliveries still asks for action (rejected rows, rows whose opleiding is not in the catalogue); two queries.
    Not the rows that wait for their pupil: a report does not tell whether a BSN belongs to a pupil in VOROC."""
    batches = batches_visible_to(user)
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    # A delivery sent twice (duplicate_of) is reported once.
    recent = batches.filter(received_at__gte=since, duplicate_of__isnull=True).aggregate(
        deliveries=Count("pk"),
        rejected=Sum("rows_rejected"),
        waiting=Sum("rows_waiting"),
        failed=Count("pk", filter=Q(state=BatchState.FAILED)),
    )
    last = batches.order_by("-received_at", "-pk").first()
    # Statuses at this school that came through the feed while no delivery is on record (set before the link).
    from_feed_without_report = (
        last is None and aanmeldingen_visible_to(user).filter(history__source=StatusSource.FEED).exists()
    )
    return {
        "last": last,
        "days": RECENT_DAYS,
        "deliveries": recent["deliveries"],
        "rejected": recent["rejected"] or 0,
        "waiting": recent["waiting"] or 0,
        "failed": recent["failed"],
        "from_feed_without_report": from_feed_without_report,
    }


@role_required(MBO_ROLES)
@require_GET
def batch_list(request: AuthenticatedRequest) -> HttpResponse:
    """Newest first, with the counts of each report; 30 to a page."""
    batches = batches_visible_to(request.user)
    page = Paginator(batches.order_by("-received_at", "-pk"), BATCHES_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "feedback/batches.html",
        {
            "page": page,
            "summary": delivery_summary(request.user),
            "school": request.user.organisation,
            "api_url": request.build_absolute_uri("/api/v1/feedback/batches"),
            "max_mb": settings.FEEDBACK_MAX_BYTES // 1_000_000,
        },
    )


@role_required(MBO_ROLES)
@require_GET
def batch_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = get_batch_for_user(request.user, pk)
    if request.htmx and request.GET.get("voortgang"):
        return render(request, "feedback/partials/progress.html", {"batch": batch})
    counts = reported_lines(batch).aggregate(
        **{kind.value: Count("pk", filter=Q(kind=kind)) for kind in REPORTED_LINE_KINDS}
    )
    kind = request.GET.get("soort")
    if kind not in REPORTED_LINE_KINDS:
        kind = next((k for k in REPORTED_LINE_KINDS if counts[k]), LineKind.REJECTED)
    page = Paginator(reported_lines(batch, kind), LINES_PER_PAGE).get_page(request.GET.get("pagina"))
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
            "kinds": [(value, TAB_LABELS[value], counts[value]) for value in REPORTED_LINE_KINDS],
            "held_text": held_text(batch) if batch.held else "",
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
