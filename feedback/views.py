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
from students.models import STATUS_CODES, Aanmelding, Status, StatusSource
from students.selectors import aanmeldingen_visible_to

from .models import BatchState, LineKind
from .selectors import batch_lines, batches_visible_to, get_batch_for_user, pupils_named_by
from .vocabulary import VVA_STATUSES

BATCHES_PER_PAGE = 30
TAB_LABELS: dict[str, Promise] = {
    LineKind.REJECTED: _("Afgewezen"),
    LineKind.UNMATCHED: _("Wacht op leerling"),
    LineKind.WARNING: _("Waarschuwingen"),
}
LINES_PER_PAGE = 100


RECENT_DAYS = 14


def delivery_summary(user: User) -> dict[str, Any]:
    """For the top of Terugkoppeling, in words an mbo employee uses: the last delivery, and what of the last two
    weeks' deliveries still asks for action (rejected rows, rows whose pupil VOROC does not know); two queries."""
    batches = batches_visible_to(user)
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    # A delivery sent twice (duplicate_of) is reported once.
    recent = batches.filter(received_at__gte=since, duplicate_of__isnull=True).aggregate(
        deliveries=Count("pk"),
        rejected=Sum("rows_rejected"),
        unmatched=Sum("rows_unmatched"),
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
        "unmatched": recent["unmatched"] or 0,
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
