"""Logboek: for the decaan schoolbeheerder, who viewed, exported and changed the data of the school's pupils.

Shown as a school user reads it (students/audit_display.py); reading it is itself recorded: the school's
Logboek as a list of the pupils it names, one pupil's Logboek as a view of that pupil.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from accounts.access import SCHOOL_ADMIN_ROLES, AuthenticatedRequest, role_required
from accounts.models import Role, User
from audit.models import PUPIL_ACTIONS, Action, AuditEntry
from audit.services import PupilRef, details_of, record_pupils

from ..audit_display import readable_changes, readable_summary, screen_label
from ..forms import LogboekFilterForm
from ..models import Pupil
from ..selectors import get_pupil_for_user

PAGE_SIZE = 50


def _filter_form(request: AuthenticatedRequest) -> LogboekFilterForm:
    # query: the school's users, for "wie"
    people = [
        (u.pk, u.full_name or u.username)
        for u in User.objects.filter(organisation_id=request.user.organisation_id).order_by("achternaam", "voornaam")
    ]
    actions = [(a.value, capfirst(a.label)) for a in Action if a in PUPIL_ACTIONS]
    return LogboekFilterForm(request.GET, actions=actions, people=people)


def _page(request: AuthenticatedRequest, entries: QuerySet[AuditEntry]) -> tuple[Page[AuditEntry], list[AuditEntry]]:
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))  # query: the count
    rows = list(page.object_list)  # query: the entries of this page
    ids = {e.pupil_id for e in rows if e.pupil_id}
    # query: the names of the pupils on this page (a removed pupil has none)
    names = {
        p.pk: p.full_name for p in Pupil.objects.filter(pk__in=ids).only("voornaam", "tussenvoegsel", "achternaam")
    }
    details = details_of(rows)  # query: the keys of these pupils, for old → new
    for entry in rows:
        values = details.get(entry.pk)
        entry.pupil_name = names.get(entry.pupil_id)  # type: ignore[attr-defined]
        entry.screen_label = screen_label(entry.screen)  # type: ignore[attr-defined]
        entry.changes = readable_changes(values) if values else []  # type: ignore[attr-defined]
        entry.role_label = Role(entry.actor_role).label if entry.actor_role in Role.values else ""  # type: ignore[attr-defined]
        summary = readable_summary(entry.summary)
        entry.summary_shown = "" if summary.lower() == entry.screen_label.lower() else summary  # type: ignore[attr-defined]
    return page, rows


def _context(
    request: AuthenticatedRequest, form: LogboekFilterForm, page: Page[AuditEntry], rows: list[AuditEntry]
) -> dict[str, Any]:
    kept = request.GET.copy()
    kept.pop("pagina", None)
    return {"page": page, "rows": rows, "form": form, "filter_query": kept.urlencode()}


@role_required(SCHOOL_ADMIN_ROLES)
@require_GET
def logboek(request: AuthenticatedRequest) -> HttpResponse:
    """Every entry about this school's pupils, newest first; by default without the lists."""
    form = _filter_form(request)
    entries = form.filter(AuditEntry.objects.filter(school_id=request.user.organisation_id, action__in=PUPIL_ACTIONS))
    page, rows = _page(request, entries)
    # A name was found only for an entry with a pupil.
    named = {PupilRef(e.pupil_id, e.school_id) for e in rows if e.pupil_id and e.pupil_name}  # type: ignore[attr-defined]
    if named:
        record_pupils(Action.LIST, named, summary="logboek")
    return render(request, "students/logboek.html", _context(request, form, page, rows))


@role_required(SCHOOL_ADMIN_ROLES)
@require_GET
def logboek_pupil(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One pupil's entries: alone, or as one of the pupils of a list or export."""
    pupil, _rights = get_pupil_for_user(request.user, pk)
    form = _filter_form(request)
    entries = form.filter(AuditEntry.objects.filter(school_id=pupil.school_id).about_pupil(pupil.pk))
    page, rows = _page(request, entries)
    return render(request, "students/logboek.html", {**_context(request, form, page, rows), "pupil": pupil})
