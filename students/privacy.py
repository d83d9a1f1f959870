"""The AVG for one pupil: everything the system holds about them (inzage), and removing them completely.

Apps that keep data about a pupil register an inzage section here (in their AppConfig.ready); what does
not go with the pupil's row by itself they remove on the ``pupil_removing`` signal.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from audit.context import acting_as
from audit.models import Action, AuditEntry
from audit.services import details_of, forget_pupil, record_change, record_event

from .models import Pupil
from .signals import pupil_removing

# --- inzage ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Callable[[Pupil], list[dict]]  # the records, as plain values (no BSN)
    files: Callable[[Pupil], list[tuple[str, bytes]]] | None = None  # stored files: (name in the zip, content)
    position: int = 50  # order in the download; the audit log comes last


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.position)


def _plain(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def collect(pupil: Pupil) -> list[tuple[Section, list[dict]]]:
    return [(s, [{k: _plain(v) for k, v in row.items()} for row in s.rows(pupil)]) for s in sections()]


def inzage_zip(*, pupil: Pupil, by: User) -> tuple[str, bytes]:
    """One download with everything about the pupil: a readable page, the same as JSON, and the stored files."""
    record_event(Action.INZAGE, user=by, pupil=pupil, summary="inzage (AVG) gemaakt")
    collected = collect(pupil)
    made = timezone.localtime()
    data = {s.key: rows for s, rows in collected}
    html = render_to_string("students/inzage.html", {"pupil": pupil, "collected": collected, "made": made, "by": by})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inzage.html", html)
        archive.writestr("inzage.json", json.dumps(data, ensure_ascii=False, indent=2))
        for section in sections():
            for name, content in section.files(pupil) if section.files else []:
                archive.writestr(f"bestanden/{section.key}/{name}", content)
    return f"inzage-leerling-{pupil.pk}-{made:%Y-%m-%d}.zip", buffer.getvalue()


# --- removal -----------------------------------------------------------------------------------------------------


# Why a pupil goes, and what the audit log says about it. Every deletion of a pupil goes through
# remove_pupil_completely: the school's delete, the admin's (one or a selection), the AVG removal and the retention.
REMOVAL_SUMMARIES = {
    "avg": "volledig verwijderd op verzoek (AVG)",
    "retention": "bewaartermijn verstreken",
    "school": "leerling verwijderd door de school",
    "beheer": "verwijderd in het beheer",
}


@transaction.atomic
def remove_pupil_completely(*, pupil: Pupil, reason: str, by: User | None = None) -> None:
    """Remove the pupil and everything about them; the audit log keeps a pseudonymised trace.

    ``reason``: "avg" (on request, by the servicedesk), "retention" (the period ended), "school" (the school
    deleted the pupil) or "beheer" (the servicedesk deleted the pupil in admin).
    """
    summary = REMOVAL_SUMMARIES[reason]
    pupil_removing.send(sender=Pupil, pupil=pupil, reason=reason)
    with acting_as("bewaartermijnen", screen="command:purge_expired") if reason == "retention" else nullcontext():
        if reason == "avg":
            record_event(Action.REMOVAL, user=by, pupil=pupil, summary=summary)
        else:
            record_change(pupil, action=Action.DELETE, summary=summary)
    pk = pupil.pk
    pupil.delete()
    # The old and new values in the audit log were sealed with this pupil's key: without it they are unreadable.
    forget_pupil(pk)


# --- the sections of the students app ------------------------------------------------------------------------------
def _personal(pupil: Pupil) -> list[dict]:
    from .services import PERSONAL_FIELDS

    row = {field: getattr(pupil, field) for field in PERSONAL_FIELDS}
    row.update(
        school=pupil.school.name,
        schooljaar=pupil.school_year_label,
        groep=pupil.group.name if pupil.group else "",
        bsn="bekend (versleuteld opgeslagen, wordt nooit getoond)" if pupil.has_bsn else "",
        leerlingcode=pupil.no_bsn_code or "",
        vmbo_diploma=pupil.diploma,
        extra_aandacht=pupil.extra_aandacht,
        ingevoerd_door=pupil.get_source_display(),
        aangemaakt_op=pupil.created_at,
        gewijzigd_op=pupil.updated_at,
    )
    return [row]


def _aanmeldingen(pupil: Pupil) -> list[dict]:
    rows = []
    for aanmelding in pupil.aanmeldingen.select_related("opleiding", "mbo_school", "location").prefetch_related(
        "history"
    ):
        for change in aanmelding.history.all():
            rows.append(
                {
                    "mbo_school": aanmelding.mbo_school.name,
                    "opleiding": str(aanmelding.opleiding),
                    "crebo": aanmelding.opleiding.crebo,
                    "locatie": str(aanmelding.location or ""),
                    "kenmerk_mbo": aanmelding.external_id or "",
                    "status": change.get_status_display(),
                    "datum": change.at,
                    "bron": change.get_source_display(),
                    "door": change.user_name,
                    "toelichting": change.note,
                }
            )
    return rows


def _elders(pupil: Pupil) -> list[dict]:
    return [
        {"bestemming": e.get_kind_display(), "naam": e.name, "datum": e.date, "toelichting": e.note}
        for e in pupil.elders.all()
    ]


def _flags(pupil: Pupil) -> list[dict]:
    return [
        {"kenmerk": c.get_flag_display(), "oud": c.old_value, "nieuw": c.new_value, "door": c.user_name, "op": c.at}
        for c in pupil.flag_changes.all()
    ]


def _links(pupil: Pupil) -> list[dict]:
    return [
        {"school": link.school.name, "toelichting": link.note, "sinds": link.created_at}
        for link in pupil.school_links.select_related("school")
    ]


def _audit(pupil: Pupil) -> list[dict]:
    entries = list(AuditEntry.objects.about_pupil(pupil.pk).order_by("at", "pk"))
    values = details_of(entries)
    return [
        {
            "wanneer": e.at,
            "wie": e.actor_name,
            "rol": e.actor_role,
            "handeling": e.get_action_display(),
            "scherm": e.screen,
            "omschrijving": e.summary,
            "velden": e.fields,
            "oud_nieuw": json.dumps(values.get(e.pk), ensure_ascii=False) if e.pk in values else "",
            "adres": e.ip or "",
        }
        for e in entries
    ]


register_section(Section("leerling", "Persoonsgegevens", _personal, position=10))
register_section(Section("aanmeldingen", "Aanmeldingen en statussen", _aanmeldingen, position=20))
register_section(Section("elders", "Bestemmingen elders", _elders, position=21))
register_section(Section("kenmerken", "Kenmerken (vmbo-diploma, extra aandacht)", _flags, position=22))
register_section(Section("koppelingen", "Gekoppelde scholen", _links, position=23))
register_section(Section("logboek", "Logboek (wie de gegevens bekeek of wijzigde)", _audit, position=99))
