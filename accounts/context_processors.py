"""What every page shows: the tabs at the top, by role (handleiding: "De gebruikers"), and the servicedesk's
address and telephone (settings VOROC_SERVICEDESK_EMAIL and VOROC_SERVICEDESK_PHONE)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import home_url
from .models import Role


@dataclass(frozen=True)
class Tab:
    label: str | Promise
    url_name: str
    icon: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MELDINGEN = Tab(_("Meldingen"), "notifications:meldingen", "bell")
LEERLING_OVERZICHT = Tab(_("Leerling overzicht"), "students:overzicht", "people")
OUD_LEERLINGEN = Tab(_("Oud leerlingen"), "students:oud", "archive")
GROEPEN = Tab(_("Groepen"), "groups:index", "collection")
GEBRUIKERS = Tab(_("Gebruikers"), "accounts:users", "person-gear")
LOGBOEK = Tab(_("Logboek"), "students:logboek", "journal-text")
AANMELDINGEN = Tab(_("Aanmeldingen"), "students:aanmeldingen", "inboxes")
GEMEENTE_LEERLINGEN = Tab(_("Leerlingen in de gemeente"), "gemeente:leerlingen", "geo-alt")
VERZUIM = Tab(_("Verzuim"), "verzuim:lijst", "calendar-x")
GEMEENTE_MELDINGEN = Tab(_("Overstap en risico"), "gemeente:meldingen", "life-preserver")
MONITOR = Tab(_("Monitor"), "monitor:index", "bar-chart")
ONTVANGEN_DOSSIERS = Tab(_("Ontvangen dossiers"), "mbodossiers:lijst", "journal-check")
TERUGKOPPELING = Tab(_("Terugkoppeling"), "feedback:batches", "arrow-left-right")
MIJN_DOSSIER = Tab(_("Mijn doorstroomdossier"), "leerling:home", "journal-bookmark")

_VO = (MELDINGEN, LEERLING_OVERZICHT, OUD_LEERLINGEN, GROEPEN, VERZUIM, MONITOR)
TABS_BY_ROLE: dict[str, tuple[Tab, ...]] = {
    Role.DECAAN_BEHEERDER: (*_VO, GEBRUIKERS, LOGBOEK),
    Role.DECAAN: _VO,
    Role.MENTOR: (MELDINGEN, LEERLING_OVERZICHT, OUD_LEERLINGEN, VERZUIM, MONITOR),
    Role.ZORGCOORDINATOR: (MELDINGEN, LEERLING_OVERZICHT, OUD_LEERLINGEN, VERZUIM),
    Role.ROC: (MELDINGEN, AANMELDINGEN, ONTVANGEN_DOSSIERS, TERUGKOPPELING, MONITOR),
    Role.GEMEENTE: (MELDINGEN, GEMEENTE_LEERLINGEN, GEMEENTE_MELDINGEN, VERZUIM, MONITOR),
    Role.SERVICEDESK: (MELDINGEN,),
    Role.LEERLING: (MIJN_DOSSIER,),
}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    tabs = TABS_BY_ROLE.get(user.role, ())
    current = request.path
    items = [
        {"label": tab.label, "url": tab.url, "icon": tab.icon, "active": current.startswith(tab.url)} for tab in tabs
    ]
    return {"nav_tabs": items, "home_url": home_url(user)}


def servicedesk(request=None) -> dict:
    """The servicedesk's contact details, from settings: for pages (a context processor) and for what is
    rendered without a request (mails, the 500 page)."""
    return {
        "servicedesk_email": settings.VOROC_SERVICEDESK_EMAIL,
        "servicedesk_phone": settings.VOROC_SERVICEDESK_PHONE,
    }
