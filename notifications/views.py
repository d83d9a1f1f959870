"""Meldingenoverzicht: the start page after login."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest
from accounts.privacy import needs_search_redirect, params_with_search, search_redirect
from audit.models import Action
from audit.services import record_pupils
from students.search import is_bsn_key, search_key

from .models import MeldingKind
from .selectors import VISIBLE_DAYS, meldingen_visible_to, recent, search
from .services import mark_read

PAGE_SIZE = 200


@login_required
@require_http_methods(["GET", "POST"])
def meldingen(request: AuthenticatedRequest) -> HttpResponse:
    """The last 30 days, newest first, grouped by day; a search on name or BSN also finds older ones.

    The search is posted and kept in the session (accounts.privacy); a BSN is kept only as its keyed index.
    """
    if needs_search_redirect(request):
        source = request.POST if request.method == "POST" else request.GET
        return search_redirect(
            request, request.path, {"soort": source.get("soort", "")}, search_key(source.get("q", ""))
        )
    user = request.user
    query = params_with_search(request, request.GET).get("q", "")
    kind = request.GET.get("soort", "")
    items = meldingen_visible_to(user)
    items = search(items, query) if query else recent(items)
    if kind in MeldingKind.values:
        items = items.filter(kind=kind)
    shown = list(items[: PAGE_SIZE + 1])  # one query, with the pupil and whether it was read
    more = len(shown) > PAGE_SIZE
    shown = shown[:PAGE_SIZE]
    record_pupils(
        Action.LIST, {m.pupil for m in shown if m.pupil}, summary="meldingen" + (", met zoekopdracht" if query else "")
    )
    days = [(day, list(group)) for day, group in groupby(shown, key=lambda m: timezone.localtime(m.created_at).date())]
    return render(
        request,
        "notifications/meldingen.html",
        {
            "days": days,
            "query": query,
            "query_is_bsn": is_bsn_key(query),
            "kind": kind,
            "kinds": MeldingKind.choices,
            "unread": len([m for m in shown if not getattr(m, "is_read", False)]),
            "more": more,
            "visible_days": VISIBLE_DAYS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def open_melding(request: AuthenticatedRequest, pk: int) -> HttpResponseRedirect:
    """Follow a melding to its pupil (or its link) and mark it read."""
    melding = meldingen_visible_to(request.user).filter(pk=pk).first()
    if melding is None:
        raise Http404
    mark_read(user=request.user, meldingen=[melding])
    # Its own link first (an mbo-school's melding about a pupil opens what that school may see), else the pupil.
    if melding.link.startswith("/") and not melding.link.startswith("//"):
        return redirect(melding.link)
    if melding.pupil_id:
        return redirect("students:leerling", pk=melding.pupil_id)
    return redirect("notifications:meldingen")


@login_required
@require_POST
def read_all(request: AuthenticatedRequest) -> HttpResponseRedirect:
    from django.contrib import messages

    count = mark_read(user=request.user, meldingen=recent(meldingen_visible_to(request.user)))
    messages.success(
        request,
        ngettext("%(count)d melding gemarkeerd als gelezen.", "%(count)d meldingen gemarkeerd als gelezen.", count)
        % {"count": count},
    )
    return redirect("notifications:meldingen")
