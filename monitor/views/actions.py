"""Actielijst: the pupils who need the user's action now, given the date in the year (monitor.actions)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import AuthenticatedRequest, role_required
from audit.models import Action
from audit.services import record_pupils

from ..actions import action_sections
from ..figures import MONITOR_ROLES, kind_of


@role_required(MONITOR_ROLES)
@require_GET
def action_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    sections = action_sections(request.user, today)
    pupils = [row if s.unit == "pupils" else row.pupil for s in sections for row in s.rows]
    record_pupils(Action.LIST, pupils, summary="actielijst")
    return render(
        request,
        "monitor/actielijst.html",
        {
            "sections": sections,
            "today": today,
            "kind": kind_of(request.user).value,
        },
    )
