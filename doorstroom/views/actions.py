"""Mailing the form to the pupil (from the pupil's page) and the bundle of all complete forms (from the overview)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import VO_ROLES, AuthenticatedRequest, role_required
from accounts.views.modals import go_to, modal_or_page
from students.listing import PupilListing
from students.models import ExportJob
from students.schoolyear import current_school_year
from students.tasks import run_export

from ..access import get_pupil_with_form_rights
from ..bundle import KIND, count_complete
from ..selectors import current_form
from ..tasks import mail_form


@login_required
@require_http_methods(["GET", "POST"])
def mail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pupil, rights = get_pupil_with_form_rights(request.user, pk)
    form = current_form(pupil)
    back = reverse("students:leerling", args=[pupil.pk])
    if not rights.mail or form is None or form.state == form.State.NIEUW or not pupil.email:
        raise PermissionDenied  # the button is only offered when this is possible
    if request.method == "POST":
        form_id, user_id = form.pk, request.user.pk
        care = rights.read_care and request.POST.get("met_zorg") == "ja"
        transaction.on_commit(lambda: mail_form.delay(form_id, user_id, care))
        text = (
            _("Het doorstroomformulier wordt als pdf gemaild naar %(email)s, met de zorgstappen.")
            if care
            else _("Het doorstroomformulier wordt als pdf gemaild naar %(email)s, zonder de zorgstappen.")
        )
        return go_to(request, back, text % {"email": pupil.email})
    has_care = any(step.care for step in form.declaration.parsed().steps)
    return modal_or_page(
        request,
        "doorstroom/partials/mail_confirm.html",
        {"pupil": pupil, "form": form, "cancel_url": back, "offer_care": rights.read_care and has_care},
    )


@role_required(VO_ROLES)
@require_POST
def bundle_view(request: AuthenticatedRequest) -> HttpResponse:
    """Downloaden van alle doorstroomformulieren ("alle groepen" in Leerling overzicht), or of the group chosen
    there: in the background. A POST: it starts heavy work, which a link (prefetched, or followed from another
    site) must not."""
    chosen = request.POST.get("groep", "alle")
    group = None
    if chosen != "alle":
        # The overview's own choice of group: only a group the user sees (another school's is 404).
        group = PupilListing(user=request.user, year=current_school_year(), params={"groep": chosen}).selected_group
        if group is None:
            raise Http404
    count = count_complete(request.user, group.pk if group else None)
    if not count:
        messages.info(request, _("Er zijn nog geen volledig ingevulde doorstroomformulieren om te downloaden."))
        return redirect(f"{reverse('students:overzicht')}?groep={group.pk if group else 'alle'}")
    title = (
        _("Volledig ingevulde doorstroomformulieren van groep %(group)s (zip)") % {"group": group.name}
        if group
        else _("Alle volledig ingevulde doorstroomformulieren (zip)")
    )
    job = ExportJob.objects.create(
        user=request.user, kind=KIND, title=title, params={"groep": group.pk} if group else {}, total=count
    )
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return redirect("students:export_job", pk=job.pk)
