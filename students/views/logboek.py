"""Logboek: for the decaan schoolbeheerder, who viewed, exported and changed the data of the school's pupils."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.access import SCHOOL_ADMIN_ROLES, role_required
from accounts.models import Role
from audit.models import PUPIL_ACTIONS, Action, AuditEntry
from audit.services import details_of

from ..models import Pupil
from ..selectors import get_pupil_for_user

PAGE_SIZE = 50

# The screens as users know them; an unknown one is shown by its technical name.
SCREENS = {
    "students:overzicht": _("Leerling overzicht"),
    "students:oud": _("Oud leerlingen"),
    "students:leerling": _("Leerlingpagina"),
    "students:bewerken": _("Leerlinggegevens"),
    "students:toevoegen": _("Leerling toevoegen"),
    "students:verwijderen": _("Leerling verwijderen"),
    "students:export": _("Overzicht als bestand"),
    "students:print": _("Overzicht printen"),
    "students:diploma_groep": _("Diploma-uitslag"),
    "students:logboek_leerling": _("Logboek"),
    "notifications:meldingen": _("Meldingen"),
    "groups:index": _("Groepen"),
    "groups:members": _("Groepen"),
}


def screen_label(name: str) -> str:
    if name.startswith("admin:"):
        return str(_("Beheer (servicedesk)"))
    return str(SCREENS.get(name, name))


def _page(request, entries):
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)  # query: the entries of this page
    ids = {e.pupil_id for e in rows if e.pupil_id}
    # query: the names of the pupils on this page (a removed pupil has none)
    names = {
        p.pk: p.full_name for p in Pupil.objects.filter(pk__in=ids).only("voornaam", "tussenvoegsel", "achternaam")
    }
    details = details_of(rows)  # query: the keys of these pupils, for old → new
    for entry in rows:
        entry.pupil_name = names.get(entry.pupil_id)  # type: ignore[attr-defined]
        entry.screen_label = screen_label(entry.screen)  # type: ignore[attr-defined]
        entry.values = details.get(entry.pk)  # type: ignore[attr-defined]
        entry.role_label = Role(entry.actor_role).label if entry.actor_role in Role.values else ""  # type: ignore[attr-defined]
        entry.show_summary = entry.summary.lower() != entry.screen_label.lower()  # type: ignore[attr-defined]
    return page, rows


@role_required(SCHOOL_ADMIN_ROLES)
@require_GET
def logboek(request):
    """Every entry about this school's pupils, newest first; filter by kind of action."""
    entries = AuditEntry.objects.filter(school_id=request.user.organisation_id, action__in=PUPIL_ACTIONS)
    action = request.GET.get("handeling", "")
    if action in PUPIL_ACTIONS:
        entries = entries.filter(action=action)
    page, rows = _page(request, entries)
    return render(
        request,
        "students/logboek.html",
        {
            "page": page,
            "rows": rows,
            "action": action,
            "actions": [(a.value, a.label) for a in Action if a in PUPIL_ACTIONS],
        },
    )


@role_required(SCHOOL_ADMIN_ROLES)
@require_GET
def logboek_pupil(request, pk: int):
    """One pupil's entries: alone, or as one of the pupils of a list or export."""
    pupil, _rights = get_pupil_for_user(request.user, pk)
    entries = AuditEntry.objects.filter(school_id=pupil.school_id).about_pupil(pupil.pk)
    page, rows = _page(request, entries)
    return render(request, "students/logboek.html", {"page": page, "rows": rows, "pupil": pupil})
