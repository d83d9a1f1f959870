"""The push API (plain Django views): POST a batch, read your reports. Documented in openapi.py.

Authentication is a bearer token per mbo-school (FeedToken, only its hash is stored); the session and
CSRF machinery of the site play no part, so these views are CSRF-exempt. Every error is JSON with a Dutch
``detail``. The body is read in pieces up to FEEDBACK_MAX_BYTES: a larger one is answered with 413 before
it is read, from its Content-Length when given.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.csrf import csrf_exempt

from audit.context import acting_as
from audit.models import Action
from audit.services import record_pupils

from .models import Batch, BatchState, FeedToken, Format, Transport
from .openapi import document
from .selectors import pupils_named_by, reported_lines
from .services import held_text, receive, refuse_too_large
from .tokens import token_for

CONTENT_TYPES = {
    "text/csv": Format.CSV,
    "application/csv": Format.CSV,
    "application/json": Format.JSON,
}
READ_PIECE = 64 * 1024
LINES_PER_PAGE = 1000
LIST_LIMIT = 50


def error(status: int, detail: str, **extra) -> JsonResponse:
    response = _ok({"detail": detail, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="VOROC"'
    return response


def _ok(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"  # reports name a school's aanmeldingen: no proxy or browser keeps them
    return response


def token_required(view: Callable) -> Callable:
    """The token's mbo-school for the view, or 401 (no or unknown token) / 403 (school no longer connected)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        with override("nl"):
            scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
            token = token_for(secret.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return error(
                    401, _("Geen geldig token. Stuur de kop Authorization: Bearer <token> met het token van uw school.")
                )
            if not token.mbo_school.connected:
                return error(
                    403,
                    _(
                        "%(school)s is niet (meer) als gekoppelde mbo-school ingesteld. Neem contact op met de servicedesk."
                    )
                    % {"school": token.mbo_school.name},
                )
            return view(request, token, *args, **kwargs)

    return wrapped


def _report_url(request: HttpRequest, batch: Batch) -> str:
    return request.build_absolute_uri(reverse("feedback_api:batch", args=[batch.pk]))


def summary(request: HttpRequest, batch: Batch) -> dict:
    return {
        "id": batch.pk,
        "state": batch.state,
        "state_label": batch.get_state_display(),
        "transport": batch.transport,
        "filename": batch.filename,
        "format": batch.format,
        "received_at": batch.received_at.isoformat(),
        "size": batch.size,
        "checksum": batch.checksum,
        "duplicate_of": batch.duplicate_of_id,
        # Whether a row's pupil is in VOROC is not told: new, updated and unchanged count the rows kept until the
        # pupil is added as if it were known; "unmatched" stays in the answer for clients that read it, always 0.
        "counts": {
            "read": batch.rows_read,
            "new": batch.rows_new,
            "updated": batch.rows_updated,
            "unchanged": batch.rows_unchanged,
            "unmatched": 0,
            "waiting": batch.rows_waiting,
            "rejected": batch.rows_rejected,
            "warnings": batch.warnings,
        },
        "held": batch.held,
        "report": _report_url(request, batch),
        "report_page": request.build_absolute_uri(reverse("feedback:batch", args=[batch.pk])),
    }


def report(request: HttpRequest, batch: Batch, page_number: int) -> dict:
    duration = batch.duration
    lines = reported_lines(batch)
    page = Paginator(lines, LINES_PER_PAGE).get_page(page_number)
    data = summary(request, batch)
    data.update(
        {
            "failure": batch.failure or None,
            "detail": held_text(batch) if batch.held else None,
            "started_at": batch.started_at.isoformat() if batch.started_at else None,
            "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
            "duration_seconds": round(duration.total_seconds(), 3) if duration else None,
            "progress": {"chunks_done": batch.chunks_done, "chunks_total": batch.chunks_total},
            "line_word": batch.line_word,
            "lines": [
                {
                    "line": item.line,
                    "aanmelding_id": item.aanmelding_id,
                    "kind": item.kind,
                    "field": item.field,
                    "reason": item.reason,
                }
                for item in page.object_list
            ],
            "lines_total": page.paginator.count,
            "lines_page": page.number,
            "lines_next": (
                request.build_absolute_uri(f"{reverse('feedback_api:batch', args=[batch.pk])}?page={page.number + 1}")
                if page.has_next()
                else None
            ),
        }
    )
    return data


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past ``limit`` (it is never read whole into memory beyond that)."""
    pieces: list[bytes] = []
    size = 0
    while True:
        piece = request.read(READ_PIECE)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > limit:
            return None
        pieces.append(piece)


@csrf_exempt
def batches(request: HttpRequest):
    if request.method not in ("GET", "POST"):
        with override("nl"):
            response = error(405, _("Gebruik GET (uw leveringen) of POST (een nieuwe levering)."))
        response["Allow"] = "GET, POST"
        return response
    return _batches(request)


@token_required
def _batches(request: HttpRequest, token: FeedToken):
    school = token.mbo_school
    if request.method == "GET":
        recent = Batch.objects.filter(mbo_school=school).defer("payload").order_by("-received_at", "-pk")[:LIST_LIMIT]
        return _ok({"batches": [summary(request, b) for b in recent]})
    content_type = request.content_type.lower() if request.content_type else ""
    fmt = CONTENT_TYPES.get(content_type)
    if fmt is None:
        return error(
            415,
            _(
                "Stuur de levering als CSV (Content-Type: text/csv) of JSON (Content-Type: application/json), "
                "met het bestand zelf als body (curl: --data-binary @bestand.csv)."
            ),
        )
    limit = settings.FEEDBACK_MAX_BYTES
    sender = _("token %(name)s (%(prefix)s…)") % {"name": token.name, "prefix": token.prefix}
    try:
        declared = int(request.META["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        # Without a length Django's WSGI handler would hand over an empty body (no chunked uploads).
        return error(411, _("Stuur de kop Content-Length mee met de grootte van het bestand in bytes."))
    body = None if declared > limit else _read_body(request, limit)
    if body is None:
        batch = refuse_too_large(
            school=school, size=max(declared, limit + 1), transport=Transport.API, sender=sender, token=token
        )
        return error(413, batch.failure, id=batch.pk, report=_report_url(request, batch))
    batch = receive(school=school, data=body, transport=Transport.API, fmt=fmt, sender=sender, token=token)
    if batch.state == BatchState.FAILED:
        return error(400, batch.failure, id=batch.pk, report=_report_url(request, batch))
    batch.refresh_from_db()  # where the worker runs in-process (embedded), it may be applied or held already
    data = summary(request, batch)
    if batch.held:
        data["detail"] = held_text(batch)
    elif batch.duplicate_of_id:
        data["detail"] = _("Ontvangen. Deze levering is gelijk aan levering %(id)s; er verandert niets.") % {
            "id": batch.duplicate_of_id
        }
    else:
        data["detail"] = _("Ontvangen; de levering wordt verwerkt. Het verslag staat op de link bij report.")
    response = _ok(data, status=202)
    response["Location"] = data["report"]
    return response


@csrf_exempt
def batch_report(request: HttpRequest, pk: int):
    if request.method != "GET":
        with override("nl"):
            response = error(405, _("Een verslag kunt u alleen opvragen (GET)."))
        response["Allow"] = "GET"
        return response
    return _batch_report(request, pk)


@token_required
def _batch_report(request: HttpRequest, token: FeedToken, pk: int):
    batch = Batch.objects.filter(pk=pk, mbo_school=token.mbo_school).defer("payload").first()
    if batch is None:
        return error(404, _("Er is geen levering %(id)s van uw school.") % {"id": pk})
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return error(400, _("page moet een getal zijn (1, 2, …)."))
    data = report(request, batch, page_number)
    if data["lines"]:  # the lines name aanmeldingen, so pupils (see selectors): recorded as a list
        shown = pupils_named_by((batch.mbo_school_id, line["aanmelding_id"]) for line in data["lines"])
        with acting_as(f"API-token {token.name} ({token.mbo_school.name})", screen="feedback_api:batch"):
            record_pupils(Action.LIST, shown, summary=f"terugkoppeling, levering {batch.pk} (API)")
    return _ok(data)


def openapi(request: HttpRequest):
    data = document(request.build_absolute_uri("/").rstrip("/"))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
