"""Een dossier invullen: one page at a time, the pages with their percentage on the left (on a phone folded away
above the page), "Opslaan en sluiten" at the top.

Every button posts the page on screen and saves it (filling.save_page): "Volgende", "Vorige", a page in the list,
a row added or removed, "Opslaan en sluiten". Input that is not valid yet is kept as typed and shown again with its
reason; "Volgende" stays on the page until it is right, "Opslaan en sluiten" keeps it and names the page at home.
The vervolgkeuze has buttons of its own: a school, a location and an opleiding are chosen from the catalogue (found
while typing, or with "Zoek" without JavaScript), then the summary is confirmed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import PUPIL_ROLES, AuthenticatedRequest, role_required
from accounts.models import Organisation, OrganisationKind
from doorstroom.buttons import Action
from doorstroom.declaration import ROWS, Field, Step
from doorstroom.forms import read_post, remove_row
from doorstroom.steps import condition_values, items_for
from students.models import Location, Opleiding
from students.text import posted_number

from .. import choice as catalogue
from ..filling import (
    choose_location,
    choose_opleiding,
    choose_school,
    confirm_choice,
    progress_of,
    reopen_choice,
    save_page,
)
from ..flow import check_part_a_complete, finish_part_a
from ..models import Dossier
from ..navigation import pages_of
from ..records import read_record
from ..selectors import own_dossier

# The vervolgkeuze's own buttons: "kies-school:<id>", "kies-locatie:<id>", "kies-opleiding:<id>", "zoek", …
SEARCH, CONFIRM, REOPEN = "zoek", "bevestig", "wijzig"
# The last page's buttons: the page is saved first, then part A goes on (dossier/flow.py, dossier/mentor.py).
TO_MENTOR, TO_AKKOORD = "naar-mentor", "naar-akkoord"
CHOOSE = {"kies-school", "kies-locatie", "kies-opleiding"}


def _url(dossier: Dossier, page: str = "") -> str:
    url = reverse("leerling:dossier", args=[dossier.pk])
    return f"{url}?pagina={page}" if page else url


@role_required(PUPIL_ROLES)
@require_http_methods(["GET", "POST"])
def fill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request.user, pk)
    if not dossier.editable:
        messages.info(request, _("Dit dossier is %(state)s.") % {"state": dossier.get_state_display()})
        return redirect("leerling:home")
    if request.method == "POST":
        return _post(request, dossier)
    return _page(request, dossier, request.GET.get("pagina", "") or dossier.page)


def _page(
    request: AuthenticatedRequest,
    dossier: Dossier,
    page_key: str,
    *,
    extra_rows: dict[str, int] | None = None,
    queries: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = dossier.spec
    progress = progress_of(dossier, spec)
    pages = pages_of(spec, progress, dossier.invalid, current=page_key)
    shown = [p for p in pages if p.shown]
    current = next((p for p in shown if p.current), shown[0])
    position = shown.index(current)
    step = current.step
    context = {
        "dossier": dossier,
        "spec": spec,
        "progress": progress,
        "pages": pages,
        "page": current,
        "step": step,
        "position": position + 1,
        "count": len(shown),
        "previous": shown[position - 1].step if position else None,
        "next": shown[position + 1].step if position + 1 < len(shown) else None,
        "condition_values": condition_values(spec.part_a, dossier.answers),
        "is_choice": step.key == spec.choice.key,
    }
    if context["is_choice"]:
        context.update(_choice_context(dossier, queries or {}))
    else:
        context["items"] = items_for(
            step,
            progress.questions,
            dossier.answers,
            dossier.invalid,
            read_record(dossier.account),
            {},
            editable=True,
            extra_rows=extra_rows,
        )
    return render(request, "dossier/fill.html", context, status=status)


def _choice_context(dossier: Dossier, queries: dict[str, str]) -> dict:
    school_query = queries.get("school", "")
    opleiding_query = queries.get("opleiding", "")
    context: dict = {
        "school_query": school_query,
        "opleiding_query": opleiding_query,
        "schools_found": catalogue.find_schools(school_query) if school_query else None,
        "choice_progress": catalogue.progress_of(dossier),
        "min_letters": catalogue.MIN_LETTERS,
    }
    if dossier.mbo_school is not None:
        context["locations"] = catalogue.locations_of(dossier.mbo_school)
        if dossier.location is not None or not context["locations"]:
            context["opleidingen_found"] = catalogue.find_opleidingen(
                dossier.mbo_school, dossier.location, opleiding_query
            )
    return context


def _post(request: AuthenticatedRequest, dossier: Dossier) -> HttpResponse:
    spec = dossier.spec
    posted = request.POST.get("actie", "")
    action, argument = Action.parse(posted)
    step = spec.page(request.POST.get("stap", "")) or spec.pages[0]
    extra_rows: dict[str, int] = {}
    try:
        if step.key == spec.choice.key:
            answer = _choice_post(request, dossier, posted)
            if answer is not None:
                return answer
        elif step.fields:
            values, invalid = read_post(step, request.POST, {f.key for f in step.fields})
            if action == Action.ADD_ROW and _rows_field(step, argument):
                extra_rows[argument] = 1
            elif action == Action.REMOVE_ROW:
                key, _sep, index = argument.partition(":")
                fld = _rows_field(step, key)
                row = posted_number(index)
                if fld is not None and row is not None:
                    remove_row(fld, row, request.POST, values, invalid)
            dossier = save_page(dossier=dossier, page=step, values=values, invalid=invalid)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(dossier, step.key))
    if extra_rows:
        return _page(request, dossier, step.key, extra_rows=extra_rows)
    if action == Action.SAVE:
        messages.success(request, _("Je dossier is opgeslagen. Je kunt later verder gaan waar je gebleven was."))
        return redirect("leerling:home")
    if posted in (TO_MENTOR, TO_AKKOORD):
        return _onwards(request, dossier, step, posted)
    if action == Action.NEXT and step.key == spec.choice.key and dossier.opleiding_id and not dossier.choice_confirmed:
        messages.warning(request, _("Je keuze telt pas mee als je hem bevestigt: klik op “Ja, dit is mijn keuze”."))
        return redirect(_url(dossier, step.key) + "#keuze")
    return redirect(_url(dossier, _target(dossier, step, action, argument)))


def _onwards(request: AuthenticatedRequest, dossier: Dossier, step: Step, posted: str) -> HttpResponse:
    """The last page's button, after the page was saved: to the mentor, or (without a mentor's part) to the
    akkoordverklaring."""
    try:
        if posted == TO_MENTOR:
            check_part_a_complete(dossier)
            return redirect("leerling:opsturen", dossier.pk)
        finish_part_a(dossier=dossier)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(dossier, step.key))
    messages.success(request, _("Deel A is klaar. Geef nu je akkoordverklaring, dan gaat je dossier naar het mbo."))
    return redirect("leerling:home")


def _rows_field(step: Step, key: str) -> Field | None:
    return next((f for f in step.fields if f.key == key and f.type == ROWS), None)


def _target(dossier: Dossier, step: Step, action: Action | None, argument: str) -> str:
    """Where a button leads: "Volgende" stays while the page holds input to correct (it says so)."""
    spec = dossier.spec
    shown = [p.step.key for p in pages_of(spec, progress_of(dossier, spec), dossier.invalid, current="") if p.shown]
    if action == Action.GO_TO:
        return argument if argument in shown else step.key
    if step.key not in shown:  # hidden by its own answers: go on from where it was
        order = [p.key for p in spec.pages]
        later = [k for k in shown if order.index(k) > order.index(step.key)]
        return later[0] if later else shown[-1]
    index = shown.index(step.key)
    if action == Action.NEXT:
        if any(f.key in dossier.invalid for f in step.fields):
            return step.key
        return shown[min(index + 1, len(shown) - 1)]
    if action == Action.BACK:
        return shown[max(index - 1, 0)]
    return step.key


def _choice_post(request: AuthenticatedRequest, dossier: Dossier, posted: str) -> HttpResponse | None:
    """A button of the vervolgkeuze; None when it was a button that only moves (Volgende, Vorige, …)."""
    name, _sep, argument = posted.partition(":")
    page = dossier.spec.choice.key
    if name == SEARCH:
        queries = {"school": request.POST.get("zoek_school", ""), "opleiding": request.POST.get("zoek_opleiding", "")}
        return _page(request, dossier, page, queries=queries)
    chosen = posted_number(argument)
    if name in CHOOSE and chosen is not None:
        if name == "kies-school":
            school = Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL, pk=chosen).first()
            if school is not None:
                choose_school(dossier=dossier, school=school)
        elif name == "kies-locatie":
            location = Location.objects.filter(pk=chosen).first()
            if location is not None:
                choose_location(dossier=dossier, location=location)
        else:
            opleiding = Opleiding.objects.filter(pk=chosen).first()
            if opleiding is not None:
                choose_opleiding(dossier=dossier, opleiding=opleiding)
        return redirect(_url(dossier, page) + "#keuze")
    if name == CONFIRM:
        confirm_choice(dossier=dossier)
        return redirect(_url(dossier, page) + "#keuze")
    if name == REOPEN:
        reopen_choice(dossier=dossier)
        return redirect(_url(dossier, page) + "#keuze")
    return None


@role_required(PUPIL_ROLES)
@require_GET
def search(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The results while the pupil types (htmx): schools, or opleidingen of the chosen school and location."""
    dossier = own_dossier(request.user, pk)
    what = request.GET.get("wat", "")
    query = request.GET.get("zoek_school" if what == "school" else "zoek_opleiding", "")
    context: dict = {"dossier": dossier, "min_letters": catalogue.MIN_LETTERS}
    if what == "school" or dossier.mbo_school is None:  # no school chosen yet: nothing else to look for
        found = catalogue.find_schools(query) if what == "school" else None
        context.update(school_query=query, schools_found=found)
        return render(request, "dossier/partials/schools_found.html", context)
    context.update(
        opleiding_query=query,
        opleidingen_found=catalogue.find_opleidingen(dossier.mbo_school, dossier.location, query),
    )
    return render(request, "dossier/partials/opleidingen_found.html", context)
