"""Part B (seed, steps 17–19): the pupil sends part A to a mentor; the mentor reads it, says per page "eens" or
"oneens", answers the questions about the pupil and sends it back.

A mentor with an account opens it after login (only the dossiers sent to them, while they are at them: else 404). A
mentor without an account opens the link from the mail once; the browser then keeps that one dossier open (in the
session) until it is sent back. Every button saves, as on the pupil's pages.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import PUPIL_ROLES, AuthenticatedRequest, role_required
from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import record_event
from doorstroom.buttons import Action
from doorstroom.forms import read_post
from doorstroom.steps import condition_values, items_for

from ..flow import check_part_a_complete
from ..mentor import (
    AGREE,
    DISAGREE,
    VERDICT_CHOICES,
    may_type_a_mentor,
    part_b_of,
    resend_link,
    return_to_pupil,
    save_part_b_page,
    save_verdicts,
    school_mentors,
    send_to_mentor,
    use_link,
)
from ..models import MENTOR_LINK_VALID, Dossier, DossierState
from ..reading import part_a_pages
from ..records import read_record
from ..selectors import at_mentor, opened_by_link, own_dossier

READ_PAGE = "deel-a"  # the first page of part B: part A to read, with a verdict per page
# {"dossier": pk, "grant": what the dossier keeps for this browser, "until": ISO time}: what a mentor's link opened
SESSION_KEY = "dossier_mentor_link"
RETURN = "terugsturen"


# --- the pupil: "Opsturen naar mentor" ------------------------------------------------------------------------


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request.user, pk)
    if dossier.state != DossierState.DEEL_A:
        return redirect("leerling:home")
    if not dossier.spec.has_mentor:
        return redirect("leerling:dossier", dossier.pk)  # its last page has "Verder naar de akkoordverklaring"
    try:
        check_part_a_complete(dossier)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("leerling:dossier", dossier.pk)
    own, others = school_mentors(dossier)
    typed = may_type_a_mentor(dossier)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        chosen = None
        if not typed:
            chosen = next((m for m in own + others if str(m.pk) == request.POST.get("mentor", "")), None)
            if chosen is None:
                errors["mentor"] = [_("Kies je mentor uit de lijst.")]
        if not errors:
            try:
                send_to_mentor(
                    dossier=dossier,
                    mentor=chosen,
                    name=request.POST.get("naam", ""),
                    email=request.POST.get("email", ""),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
                else:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("leerling:dossier", dossier.pk)
            else:
                messages.success(
                    request, _("Je dossier is naar je mentor gestuurd. Je krijgt een e-mail als je mentor klaar is.")
                )
                return redirect("leerling:home")
    return render(
        request,
        "dossier/send_to_mentor.html",
        {
            "dossier": dossier,
            "own": own,
            "others": others,
            "typed": typed,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
            "valid_days": MENTOR_LINK_VALID.days,
        },
        status=400 if errors else 200,
    )


@role_required(PUPIL_ROLES)
@require_POST
def resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request.user, pk)
    try:
        resend_link(dossier=dossier)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Er is een nieuwe link naar %(email)s gestuurd.") % {"email": dossier.mentor_email})
    return redirect("leerling:home")


# --- the mentor ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A mentor with an account: only a dossier sent to them, while it is at them."""
    dossier = get_object_or_404(at_mentor(request.user), pk=pk)
    return _part_b(request, dossier, by=request.user, url=reverse("mentordeel:invullen", args=[dossier.pk]))


@never_cache
@require_http_methods(["GET"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail of a mentor without an account: works once, then this browser keeps the dossier."""
    opened = use_link(token)
    if opened is None:
        return render(request, "dossier/mentor/link_used.html", status=200)
    dossier, grant = opened
    request.session.cycle_key()
    until = dossier.mentor_token_expires_at or timezone.now()
    request.session[SESSION_KEY] = {"dossier": dossier.pk, "grant": grant, "until": until.isoformat()}
    return redirect("mentordeel:gast")


def _linked_dossier(request: HttpRequest) -> Dossier:
    grant = request.session.get(SESSION_KEY) or {}
    until = grant.get("until")
    if not grant.get("dossier") or not until or datetime.datetime.fromisoformat(until) < timezone.now():
        raise Http404
    found = opened_by_link(grant["dossier"], str(grant.get("grant") or ""))
    if found is None:
        raise Http404
    return found


@never_cache
@require_http_methods(["GET", "POST"])
def guest(request: HttpRequest) -> HttpResponse:
    dossier = _linked_dossier(request)
    return _part_b(request, dossier, by=None, url=reverse("mentordeel:gast"))


def _part_b(request: HttpRequest, dossier: Dossier, *, by: User | None, url: str) -> HttpResponse:
    spec = dossier.spec
    assert spec.part_b is not None
    by_name = by.full_name if by is not None else dossier.mentor_name
    pages = [READ_PAGE] + [s.key for s in spec.part_b.steps]
    if request.method == "POST":
        page = request.POST.get("stap", READ_PAGE)
        posted = request.POST.get("actie", "")
        action, argument = Action.parse(posted)
        try:
            if page == READ_PAGE:
                verdicts = {
                    p.step.key: {
                        "oordeel": request.POST.get(f"oordeel-{p.step.key}", ""),
                        "opmerking": request.POST.get(f"opmerking-{p.step.key}", ""),
                    }
                    for p in part_a_pages(dossier)
                }
                dossier = save_verdicts(dossier=dossier, verdicts=verdicts, by=by)
            elif (step := spec.part_b.step(page)) is not None:
                values, invalid = read_post(step, request.POST, {f.key for f in step.fields})
                dossier = save_part_b_page(dossier=dossier, page=step, values=values, invalid=invalid, by=by)
            if posted == RETURN:
                return_to_pupil(dossier=dossier, by=by)
                request.session.pop(SESSION_KEY, None)
                return render(request, "dossier/mentor/returned.html", {"dossier": dossier})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{url}?pagina={page}")
        if action == Action.SAVE:
            if by is None:
                messages.success(
                    request,
                    _(
                        "Opgeslagen. Het dossier blijft open in deze browser. Werkt u later in een andere browser verder, "
                        "vraag de leerling dan om een nieuwe link: wat u invulde, blijft bewaard."
                    ),
                )
            else:
                messages.success(request, _("Opgeslagen. U kunt later verder gaan."))
        target = page if page in pages else READ_PAGE
        if action == Action.GO_TO and argument in pages:
            target = argument
        elif action == Action.NEXT:
            target = pages[min(pages.index(target) + 1, len(pages) - 1)]
        elif action == Action.BACK:
            target = pages[max(pages.index(target) - 1, 0)]
        return redirect(f"{url}?pagina={target}")
    current = request.GET.get("pagina", READ_PAGE)
    current = current if current in pages else READ_PAGE
    # The mentor reads the pupil's dossier: recorded, by name (a mentor without an account is the name the pupil typed).
    record_event(
        AuditAction.VIEW,
        user=by,
        name=by_name,
        summary=f"doorstroomdossier {dossier.pk}: mentordeel, {current}",
        pupil=dossier.account.pupil,
    )
    part_b = part_b_of(dossier)
    context = {
        "dossier": dossier,
        "spec": spec,
        "part_b": part_b,
        "pages": pages,
        "current": current,
        "position": pages.index(current) + 1,
        "count": len(pages),
        "previous": pages[pages.index(current) - 1] if current != READ_PAGE else None,
        "next": pages[pages.index(current) + 1] if pages.index(current) + 1 < len(pages) else None,
        "url": url,
        "read_page": READ_PAGE,
        "verdict_choices": VERDICT_CHOICES,
        "agree": AGREE,
        "disagree": DISAGREE,
        "pupil_name": dossier.account.user.full_name,
        "steps_b": [(s, part_b.questions.of(s.key)) for s in spec.part_b.steps],
        "by_link": by is None,
    }
    if current == READ_PAGE:
        context["read_pages"] = [(p, dossier.verdicts.get(p.step.key) or {}) for p in part_a_pages(dossier)]
    else:
        step = spec.part_b.step(current)
        assert step is not None
        combined = {**dossier.answers, **dossier.mentor_answers}
        context["step"] = step
        context["step_progress"] = part_b.questions.of(current)
        context["items"] = items_for(
            step,
            part_b.questions,
            dossier.mentor_answers,
            dossier.mentor_invalid,
            read_record(dossier.account),
            {},
            editable=True,
        )
        context["condition_values"] = condition_values(spec.part_b, combined)
    return render(request, "dossier/mentor/fill.html", context)
