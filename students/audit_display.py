"""The audit log as a Dutch school user reads it (tab Logboek): screens by the names users know, fields by their
labels, old and new values as text (dates as d-m-Y, lists joined, "(leeg)"), school years as 2026-2027.

The log stores what was there (the screen's URL name, the field's name, the value as text); this module only
shows it. A screen that has no label here is shown by a general name, never by its code.
"""

from __future__ import annotations

import ast
import datetime
import re
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Pupil
from .schoolyear import label as year_label

EMPTY = _("(leeg)")

# Every screen of the app by the name its users know (tests/audit/test_logboek.py checks that none is missing),
# and the screens of tasks and commands (acting_as).
SCREENS: dict[str, Promise] = {
    "root": _("Startpagina"),
    "favicon": _("Startpagina"),
    "set_language": _("Taal kiezen"),
    "notifications:meldingen": _("Meldingen"),
    "notifications:open": _("Melding openen"),
    "notifications:read_all": _("Meldingen gelezen"),
    "accounts:login": _("Inloggen"),
    "accounts:logout": _("Uitloggen"),
    "accounts:password_reset": _("Wachtwoord vergeten"),
    "accounts:password_reset_sent": _("Wachtwoord vergeten"),
    "accounts:password_reset_confirm": _("Nieuw wachtwoord"),
    "accounts:profile": _("Mijn profiel"),
    "accounts:change_password": _("Wachtwoord wijzigen"),
    "accounts:profile_check": _("Mijn profiel"),
    "accounts:otp_verify": _("Tweestapsverificatie"),
    "accounts:otp_setup": _("Tweestapsverificatie"),
    "accounts:users": _("Gebruikers"),
    "accounts:user_create": _("Gebruiker toevoegen"),
    "accounts:user_delete": _("Gebruiker verwijderen"),
    "accounts:user_edit": _("Gebruiker wijzigen"),
    "accounts:user_reinvite": _("Gebruiker opnieuw uitnodigen"),
    "students:overzicht": _("Leerling overzicht"),
    "students:oud": _("Oud leerlingen"),
    "students:toevoegen": _("Leerling toevoegen"),
    "students:importeren": _("Leerlingen importeren"),
    "students:import_kolommen": _("Leerlingen importeren: kolommen"),
    "students:import_controle": _("Leerlingen importeren: controle"),
    "students:import_resultaat": _("Leerlingen importeren: resultaat"),
    "students:leerling": _("Leerlingpagina"),
    "students:bewerken": _("Leerlinggegevens"),
    "students:verwijderen": _("Leerling verwijderen"),
    "students:terug_naar_dit_jaar": _("Terug naar dit schooljaar"),
    "students:diploma": _("Vmbo-diploma"),
    "students:diploma_groep": _("Diploma-uitslag"),
    "students:aanmelding_toevoegen": _("Aanmelding toevoegen"),
    "students:aanmelding_verwijderen": _("Aanmelding verwijderen"),
    "students:status": _("Status van een aanmelding"),
    "students:status_bijwerken": _("Status bijwerken"),
    "students:elders": _("Bestemming elders"),
    "students:elders_verwijderen": _("Bestemming elders"),
    "students:extra_aandacht": _("Extra aandacht"),
    "students:logboek": _("Logboek"),
    "students:logboek_leerling": _("Logboek"),
    "students:export": _("Overzicht als bestand"),
    "students:print": _("Overzicht printen"),
    "students:export_job": _("Overzicht als bestand"),
    "students:export_download": _("Bestand downloaden"),
    "students:aanmeldingen": _("Aanmeldingen (mbo-school)"),
    "gemeente:leerlingen": _("Leerlingen in de gemeente"),
    "gemeente:export": _("Leerlingen in de gemeente als bestand"),
    "gemeente:meldingen": _("Overstap en risico (gemeente)"),
    "gemeente:meldingen_export": _("Overstap en risico als bestand"),
    "gemeente:melding": _("Melding aan de gemeente behandelen"),
    "gemeente:melding_status": _("Melding aan de gemeente: status"),
    "gemeente:melding_contact": _("Melding aan de gemeente: contactmoment"),
    "gemeente:overstap": _("Aanmelden De Overstap"),
    "gemeente:risico": _("Risicomelding aan de gemeente"),
    "gemeente:opmerking": _("Gemeente-opmerking schrijven"),
    "gemeente:opmerking_wijzigen": _("Gemeente-opmerking wijzigen"),
    "gemeente:niet_verschenen": _("Niet verschenen melden"),
    "leerling:home": _("Mijn doorstroomdossier (leerling)"),
    "leerling:nieuw": _("Nieuw dossier (leerling)"),
    "leerling:dossier": _("Dossier invullen (leerling)"),
    "leerling:zoeken": _("Vervolgkeuze: zoeken (leerling)"),
    "leerling:opsturen": _("Opsturen naar mentor (leerling)"),
    "leerling:nieuwe_link": _("Nieuwe link naar de mentor (leerling)"),
    "leerling:terughalen": _("Dossier terughalen bij de mentor (leerling)"),
    "leerling:verwijderen": _("Dossier verwijderen (leerling)"),
    "mentordeel:invullen": _("Mentordeel van een doorstroomdossier"),
    "mentordeel:link": _("Link naar het mentordeel"),
    "mentordeel:gast": _("Mentordeel van een doorstroomdossier (via de link)"),
    "leerling:akkoord": _("Akkoordverklaring (leerling)"),
    "leerling:akkoord_verstuurd": _("Akkoordverklaring: verstuurd (leerling)"),
    "leerling:wat_verstuurd": _("Wat is verstuurd (leerling)"),
    "leerling:akkoord_pdf": _("Wat is verstuurd als pdf (leerling)"),
    "leerling:intrekken": _("Toestemming intrekken (leerling)"),
    "leerling:registreren": _("Account maken met de schoolcode (leerling)"),
    "leerling:zelf_registreren": _("Zelf registreren (leerling)"),
    "leerling:verstuurd": _("Account maken: e-mail verstuurd (leerling)"),
    "leerling:klaar": _("Account maken: klaar (leerling)"),
    "leerling:bevestigen": _("E-mailadres bevestigen (leerling)"),
    "leerling:uitnodiging": _("Uitnodiging: wachtwoord kiezen (leerling)"),
    "leerlingaccounts:index": _("Leerlingaccounts"),
    "leerlingaccounts:code": _("Schooluitnodigingscode maken"),
    "leerlingaccounts:code_intrekken": _("Schooluitnodigingscode intrekken"),
    "leerlingaccounts:verzoek": _("Registratie van een leerling bevestigen"),
    "leerlingaccounts:groep": _("Leerlingen van een groep uitnodigen"),
    "leerlingaccounts:uitnodigen": _("Leerling uitnodigen"),
    "leerlingaccounts:opnieuw": _("Uitnodiging opnieuw sturen"),
    "leerlingaccounts:opheffen": _("Account van een leerling opheffen"),
    "dossiers:index": _("Doorstroomdossiers"),
    "dossier:herinneren": _("Herinnering doorstroomdossier (automatisch)"),  # the task that reminds the holders
    "verzuim:lijst": _("Verzuim"),
    "verzuim:export": _("Verzuim als bestand"),
    "verzuim:melding": _("Verzuimmelding"),
    "verzuim:wijzigen": _("Verzuimmelding wijzigen"),
    "verzuim:intrekken": _("Verzuimmelding intrekken"),
    "verzuim:status": _("Verzuimmelding: status"),
    "verzuim:pdf": _("Verzuimmelding als pdf"),
    "verzuim:bijlage": _("Bijlage van een verzuimmelding"),
    "verzuim:nieuw": _("Verzuim melden"),
    "verzuim:locaties": _("Beheer locaties"),
    "verzuim:locatie": _("Beheer locaties"),
    "verzuim:melders": _("Beheer melders"),
    "verzuim:melder": _("Beheer melders"),
    "accounts:user_verzuimmelder": _("Gebruikers: verzuim melden"),
    "monitor:index": _("Monitor"),
    "monitor:lijst": _("Monitor: lijst"),
    "monitor:export": _("Monitor: lijst als bestand"),
    "monitor:actielijst": _("Actielijst"),
    "monitor:rapportages": _("Rapportages (gemeente)"),
    "monitor:rapportage_excel": _("Maandrapportage als bestand"),
    "monitor:rapportage_pdf": _("Maandrapportage als bestand"),
    "monitor:maak_rapportage": _("Maandrapportage (automatisch)"),  # the task that makes the reports
    "doorstroom:formulier": _("Doorstroomformulier invullen"),
    "doorstroom:bekijken": _("Doorstroomformulier"),
    "doorstroom:pdf": _("Doorstroomformulier als pdf"),
    "doorstroom:accorderen": _("Doorstroomformulier accorderen"),
    "doorstroom:intrekken": _("Accordering intrekken"),
    "doorstroom:correctie": _("Correctie van het doorstroomformulier"),
    "doorstroom:mailen": _("Doorstroomformulier mailen"),
    "doorstroom:bundel": _("Alle doorstroomformulieren downloaden"),
    "doorstroom:bundle": _("Alle doorstroomformulieren downloaden"),  # the task that makes the ZIP
    "doorstroom:bijlage": _("Bijlage van het doorstroomformulier"),
    "doorstroom:verzonden_bijlage": _("Bijlage van het doorstroomformulier"),
    "doorstroom:ontvangen": _("Ontvangen doorstroomformulier (mbo-school)"),
    "doorstroom:ontvangen_pdf": _("Ontvangen doorstroomformulier (mbo-school)"),
    "mbodossiers:lijst": _("Ontvangen dossiers (mbo-school)"),
    "mbodossiers:dossier": _("Ontvangen doorstroomdossier (mbo-school)"),
    "mbodossiers:pdf": _("Ontvangen doorstroomdossier als pdf (mbo-school)"),
    "groups:index": _("Groepen"),
    "groups:create": _("Groepen"),
    "groups:rename": _("Groepen"),
    "groups:delete": _("Groepen"),
    "groups:members": _("Groepen"),
    "groups:mentors": _("Mentoren koppelen"),
    "feedback:batches": _("Terugkoppeling"),
    "feedback:batch": _("Terugkoppeling"),
    "feedback:ingest": _("Terugkoppeling van de mbo-school (automatisch)"),
    "feedback:waiting": _("Terugkoppeling van de mbo-school (automatisch)"),
    "feedback_api:batches": _("Terugkoppeling (koppeling met de mbo-school)"),
    "feedback_api:batch": _("Terugkoppeling (koppeling met de mbo-school)"),
    "feedback_api:openapi": _("Terugkoppeling (koppeling met de mbo-school)"),
    "command:purge_expired": _("Bewaartermijnen (automatisch)"),
    "command:import_pupils": _("Leerlingen importeren (servicedesk)"),
}
ADMIN = _("Beheer (servicedesk)")
OTHER = _("Ander scherm")
ADMIN_PAGES: dict[str, Promise] = {
    "changelist": _("lijst"),
    "change": _("bekijken"),
    "history": _("geschiedenis"),
    "delete": _("verwijderen"),
    "add": _("toevoegen"),
    "inzage": _("inzage (AVG)"),
    "remove": _("volledig verwijderen (AVG)"),
}


@cache
def _admin_models() -> dict[str, object]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()}


def _admin_label(name: str) -> str:
    """ "admin:students_pupil_change" → "Beheer (servicedesk): leerling, bekijken"."""
    rest = name.removeprefix("admin:")
    for key, model in _admin_models().items():
        if rest.startswith(key + "_"):
            page = rest.removeprefix(key + "_")
            what = str(model._meta.verbose_name_plural if page == "changelist" else model._meta.verbose_name)  # type: ignore[attr-defined]
            extra = "" if page in ("changelist", "change") else f", {ADMIN_PAGES.get(page, page)}"
            return f"{ADMIN}: {what}{extra}"
    return str(ADMIN)


def screen_label(name: str) -> str:
    """The screen an entry was made on, in Dutch; an unknown one by a general name, never by its code."""
    if not name:
        return ""
    if name in SCREENS:
        return str(SCREENS[name])
    if name.startswith("admin:"):
        return _admin_label(name)
    return str(OTHER)


# --- fields and values ------------------------------------------------------------------------------------------
FIELDS: dict[str, Promise] = {
    "bsn": _("BSN"),
    "diploma": _("vmbo-diploma"),
    "elders": _("bestemming elders"),
    "aanmelding": _("aanmelding"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_RELATED = re.compile(r" \(#\d+\)$")  # a related object was written as "4A (#12)"
_SCHOOL_YEAR = re.compile(r"\bschooljaar (\d{4})\b(?!-)")


def _pupil_field(name: str):
    try:
        found = Pupil._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if found.concrete else None  # "elders", "aanmeldingen": related records, not fields


def field_label(name: str) -> str:
    """A field of the pupil by its label ("school_year" → "Schooljaar"); a form's "Stap › Vraag" as it is."""
    if name in FIELDS:
        return capfirst(str(FIELDS[name]))
    model_field = _pupil_field(name)
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    return capfirst(name.replace("_", " "))


def _as_list(text: str) -> list | None:
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, list) else None


def readable_value(field: str, text: str | None) -> str:
    """An old or new value as a person reads it."""
    if text is None or text == "" or text == "[]":
        return str(EMPTY)
    if field == "school_year" and text.isdigit():
        return year_label(int(text))
    model_field = _pupil_field(field)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(text, text))
    items = _as_list(text)  # a list written as Python wrote it: ['concentratie', 'gedrag']
    if items is not None:
        return ", ".join(str(item) for item in items) or str(EMPTY)
    if _ISO_DATE.match(text):
        return datetime.date.fromisoformat(text).strftime("%d-%m-%Y")
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d-%m-%Y %H:%M")
    return _RELATED.sub("", text)


def readable_changes(values: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(field, old, new) per changed field."""
    return [
        (field_label(name), readable_value(name, old), readable_value(name, new)) for name, (old, new) in values.items()
    ]


def readable_summary(summary: str) -> str:
    """The entry's own words, with a school year as schools write it ("schooljaar 2026" → "schooljaar 2026-2027")."""
    return _SCHOOL_YEAR.sub(lambda m: f"schooljaar {year_label(int(m.group(1)))}", summary)
