"""The mbo-school's view: the forms that were sent to it, newest version first, read-only, with PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import AuthenticatedRequest
from accounts.models import User
from students.destination import status_row
from students.models import Pupil, Status
from students.passed_on import extra_aandacht_passed_on
from students.selectors import aanmeldingen_visible_to

from .. import document, pdf
from ..access import FormRights, get_pupil_with_form_rights
from ..models import Snapshot
from ..selectors import snapshots_received_by


def _mbo_pupil(request: AuthenticatedRequest, pk: int) -> tuple[Pupil, FormRights]:
    pupil, rights = get_pupil_with_form_rights(request.user, pk, drafts=False)
    if rights.mbo_school_id is None:
        raise PermissionDenied  # the school's own staff read the form on the school's pages
    return pupil, rights


def received_snapshots(user: User, pupil: Pupil) -> QuerySet[Snapshot]:
    return (
        snapshots_received_by(user)
        .filter(form__pupil=pupil)
        .select_related("form", "form__pupil", "form__pupil__school", "declaration")
        .order_by("-form__version")
        .distinct()
    )


@login_required
@require_GET
def received(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = _mbo_pupil(request, pk)
    snapshots = list(received_snapshots(request.user, pupil))
    chosen = snapshots[0] if snapshots else None
    wanted = request.GET.get("versie", "")
    if wanted:
        chosen = next((s for s in snapshots if str(s.form.version) == wanted), None)
        if chosen is None:
            raise Http404
    aanmeldingen = (
        aanmeldingen_visible_to(request.user)
        .filter(pupil=pupil)
        .select_related("opleiding", "mbo_school", "location")
        .prefetch_related("history")
    )
    doc = document.build(chosen.form, mbo_school_id=rights.mbo_school_id) if chosen else None
    # A correction: what changed since the version before it that this school received.
    previous = next((s for s in snapshots if chosen and s.form.version < chosen.form.version), None)
    changed = None
    if doc is not None and previous is not None:
        changed = document.changes(document.build(previous.form, mbo_school_id=rights.mbo_school_id), doc)
    return render(
        request,
        "doorstroom/received.html",
        {
            "pupil": pupil,
            "snapshots": snapshots,
            "chosen": chosen,
            "doc": doc,
            "applications": [(a, status_row(a)) for a in aanmeldingen],
            "previous": previous,
            "changed": changed,
            "statuses": list(Status),
            # Only once a form with consent reached this school (students/passed_on.py); None: nothing to show.
            "extra_aandacht": next(iter(extra_aandacht_passed_on(pupil, mbo_school_id=rights.mbo_school_id)), None),
        },
    )


@login_required
@require_GET
def received_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    snapshot = Snapshot.objects.select_related("form", "form__pupil").filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    pupil, rights = _mbo_pupil(request, snapshot.form.pupil_id)
    if not snapshot.deliveries.filter(mbo_school_id=rights.mbo_school_id).exists():
        raise Http404
    doc = document.build(snapshot.form, mbo_school_id=rights.mbo_school_id, links=False)
    response = HttpResponse(pdf.render(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(doc)}"'
    return response
