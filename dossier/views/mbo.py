"""Ontvangen dossiers: the ROC-gebruiker reads the dossiers pupils agreed to send to their mbo-school — a list, each
dossier as it was sent (the snapshot, read-only), and its PDF. Only through the consent (dossier.selectors
``consents_received_by``): a withdrawn one, another school's, or a dossier nobody agreed to send answers 404.

Opening a dossier (its page or its PDF) is kept on the consent the first time: from then on the pupil can no longer
withdraw it in VOROC. Every list and view is in the audit log, naming the pupil where the pupil has a record at a
vo-school (the vo-school then sees it in its Logboek).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import MBO_ROLES, AuthenticatedRequest, role_required
from audit.models import Action
from audit.services import record_event, record_pupils, record_view
from students.selectors import pupils_visible_to

from .. import pdf
from ..akkoord import open_consent
from ..models import Consent
from ..selectors import consents_received_by, received_consent

PER_PAGE = 50


@role_required(MBO_ROLES)
@require_GET
def received_list(request: AuthenticatedRequest) -> HttpResponse:
    consents = consents_received_by(request.user).defer("snapshot").order_by("-given_at", "-pk")
    page = Paginator(consents, PER_PAGE).get_page(request.GET.get("pagina"))  # query: the count
    rows = list(page.object_list)  # query: the consents with their dossiers, accounts and pupils
    pupils = [c.dossier.account.pupil for c in rows if c.dossier.account.pupil is not None]
    # query: which of these pupils the school also has in view (their doorstroomformulier is beside the dossier)
    in_view = set(pupils_visible_to(request.user).filter(pk__in=[p.pk for p in pupils]).values_list("pk", flat=True))
    record_pupils(
        Action.LIST,
        pupils,
        summary=(
            f"ontvangen doorstroomdossiers, pagina {page.number}: {len(rows)} dossier(s), "
            f"{len(rows) - len(pupils)} van leerlingen zonder vo-school in VOROC"
        ),
    )
    return render(
        request,
        "dossier/mbo/list.html",
        {"page": page, "rows": [(c, c.dossier.account.pupil_id in in_view) for c in rows]},
    )


def _opened(request: AuthenticatedRequest, pk: int, what: str) -> Consent:
    """The consent (404 outside the school's), marked opened, and its view in the audit log."""
    consent = open_consent(consent=received_consent(request.user, pk))
    if consent is None:  # withdrawn a moment ago
        raise Http404
    pupil = consent.dossier.account.pupil
    summary = f"doorstroomdossier {consent.dossier_id} (akkoordverklaring {consent.pk}): {what}"
    if pupil is not None:
        record_view(pupil, summary=summary)
    else:
        record_event(Action.VIEW, summary=f"{summary}, leerling zonder vo-school in VOROC")
    return consent


@role_required(MBO_ROLES)
@require_GET
def received_dossier(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = _opened(request, pk, "bekeken")
    pupil = consent.dossier.account.pupil
    # The school's doorstroomformulier beside it: for a pupil who applied here (in the mbo-school's view).
    form_pupil_id = (
        pupil.pk if pupil is not None and pupils_visible_to(request.user).filter(pk=pupil.pk).exists() else None
    )
    return render(
        request,
        "dossier/mbo/dossier.html",
        {"consent": consent, "snap": consent.snapshot, "form_pupil_id": form_pupil_id},
    )


@role_required(MBO_ROLES)
@require_GET
def received_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = _opened(request, pk, "als pdf")
    response = HttpResponse(pdf.render(consent), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(consent)}"'
    return response
