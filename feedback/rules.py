"""Decisions both ingest paths share (engine.py in bulk, rowwise.py one row at a time through students'
services): which pupil a BSN means, which opleiding and locatie a row names, what a row's outcome is
called, and the texts of the meldingen and report lines.

Matching rule: the blind index is unique per vo-school, so the same BSN can belong to pupils of two
schools or of two school years. A row goes to the pupil of the **newest school year**; between two
schools in that year, to the pupil **added last** (the school the pupil moved to). An aanmelding the feed
already knows stays with its pupil; a row for it with another BSN is rejected, never moved.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Organisation
from notifications.receivers import FED_STATUS_TEXT
from students.models import MAX_AANMELDINGEN_PER_MBO_SCHOOL, Location, Opleiding, Pupil, Status

from .bulk_sql import by_keys, one_of
from .parser import FeedRow, shown_id


class Outcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    UNMATCHED = "unmatched"
    WAITING = "waiting"  # the opleiding (crebo) is not in the school's catalogue yet
    REJECTED = "rejected"


@dataclass(slots=True)
class RowResult:
    row: FeedRow
    outcome: Outcome
    field: str = ""
    reason: str = ""
    warning: str = ""
    pupil_id: int | None = None


def second(moment: datetime.datetime) -> datetime.datetime:
    """The feed's precision: a history line is the same when status and moment agree to the second."""
    return moment.replace(microsecond=0) if moment.microsecond else moment


def history_key(status: int, moment: datetime.datetime) -> tuple[int, datetime.datetime]:
    return (status, second(moment))


def is_current(row: FeedRow, status: int, status_at: datetime.datetime) -> bool:
    """Does this row describe the aanmelding as it now stands (so its opleiding, locatie and cohort count)?"""
    return row.at >= status_at or history_key(row.status, row.at) == history_key(status, status_at)


# --- pupils -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PupilInfo:
    pk: int
    bsn_index: str
    school_id: int
    school_year: int
    full_name: str


PUPIL_FIELDS = ("pk", "bsn_index", "school_id", "school_year", "voornaam", "tussenvoegsel", "achternaam")


def full_name(voornaam: str, tussenvoegsel: str, achternaam: str) -> str:
    return " ".join(p for p in (voornaam, tussenvoegsel, achternaam) if p)


def _info(values: dict) -> PupilInfo:
    return PupilInfo(
        pk=values["pk"],
        bsn_index=values["bsn_index"] or "",
        school_id=values["school_id"],
        school_year=values["school_year"],
        full_name=full_name(values["voornaam"], values["tussenvoegsel"], values["achternaam"]),
    )


def pupils_by_pk(pks: Iterable[int]) -> list[PupilInfo]:
    wanted = list(set(pks))
    if not wanted:
        return []
    return [_info(values) for values in Pupil.objects.filter(one_of("pk", wanted)).order_by().values(*PUPIL_FIELDS)]


def best_pupils(indexes: Iterable[str]) -> dict[str, PupilInfo]:
    """For each blind index, the pupil a row goes to (see the matching rule above). One query."""
    best: dict[str, PupilInfo] = {}
    wanted = list(set(indexes))
    if not wanted:
        return best
    for values in by_keys(Pupil, "bsn_index", wanted, where={}, fields=PUPIL_FIELDS):
        info = _info(values)
        current = best.get(info.bsn_index)
        if current is None or (info.school_year, info.pk) > (current.school_year, current.pk):
            best[info.bsn_index] = info
    return best


# --- the school's catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpleidingInfo:
    pk: int
    crebo: str
    leerweg: str
    name: str


class Catalogue:
    """The opleidingen (by crebo) and locaties of one mbo-school, loaded once. Opleidingen come from the catalogue
    (import_opleidingen, admin), never from a row: a row naming an opleiding that is not there waits for it."""

    def __init__(self, school: Organisation, crebos: Iterable[str], also: Iterable[int] = ()) -> None:
        self.school = school
        self.by_crebo: dict[str, list[OpleidingInfo]] = {}
        self.names: dict[int, str] = {}
        wanted_crebos, wanted_ids = set(crebos), set(also)
        query = Opleiding.objects.filter(school=school, crebo__in=wanted_crebos)
        if wanted_ids:
            query = query | Opleiding.objects.filter(pk__in=wanted_ids)
        for values in query.order_by("pk").values("pk", "crebo", "leerweg", "name"):
            self._add(OpleidingInfo(values["pk"], values["crebo"], values["leerweg"], values["name"]))
        self._locations: dict[str, int] | None = None

    def _add(self, info: OpleidingInfo) -> None:
        self.names[info.pk] = info.name
        if info.crebo:
            self.by_crebo.setdefault(info.crebo, []).append(info)

    def missing(self, row: FeedRow) -> bool:
        """No opleiding of the school's catalogue fits the row's crebo (and its leerweg, when it names one)."""
        found = self.by_crebo.get(row.crebo, [])
        if row.leerweg:
            return not any(info.leerweg == row.leerweg for info in found)
        return not found

    def opleiding_for(self, row: FeedRow, current_id: int | None) -> tuple[int | None, str, str]:
        """(opleiding id, field, reason): the opleiding the row names; callers check ``missing`` first."""
        found = self.by_crebo.get(row.crebo, [])
        if row.leerweg:
            for info in found:
                if info.leerweg == row.leerweg:
                    return info.pk, "", ""
            return None, "crebo", reason_unknown_opleiding(row)
        if current_id is not None and any(info.pk == current_id for info in found):
            return current_id, "", ""
        if len(found) == 1:
            return found[0].pk, "", ""
        if found:
            return (
                None,
                "leerweg",
                _("leerweg: ontbreekt; opleiding %(crebo)s bestaat bij uw school als BOL en als BBL")
                % {"crebo": row.crebo},
            )
        return None, "crebo", reason_unknown_opleiding(row)

    def known_opleiding(self, crebo: str, leerweg: str) -> int | None:
        """What opleiding_for() gives a row naming this crebo and leerweg, when that opleiding exists already."""
        for info in self.by_crebo.get(crebo, []):
            if info.leerweg == leerweg:
                return info.pk
        return None

    def known_location(self, name: str) -> int | None:
        """What location_for() gives for this name, when that locatie exists already (never creates one)."""
        return self._school_locations().get(name.casefold())

    def _school_locations(self) -> dict[str, int]:
        if self._locations is None:
            self._locations = {
                n.casefold(): pk for pk, n in Location.objects.filter(school=self.school).values_list("pk", "name")
            }
        return self._locations

    def location_for(self, name: str) -> int | None:
        """The locatie with this name (any capitals), created when new; None for an empty name."""
        if not name:
            return None
        locations = self._school_locations()
        key = name.casefold()
        if key not in locations:
            location = Location(school=self.school, name=name)
            location.full_clean()
            location.save()
            locations[key] = location.pk
        return locations[key]


# --- texts ----------------------------------------------------------------------------------------------
# Stored texts (meldingen, history notes) are Dutch, the source language; translated once per process.


@lru_cache(maxsize=1)
def _texts() -> dict:
    with override("nl"):
        return {
            "new": _("Nieuwe aanmelding voor %(name)s: %(opleiding)s bij %(school)s, status %(status)s."),
            "limit": _(
                "Let op: de leerling heeft nu %(count)s aanmeldingen bij %(school)s; de procedure staat er twee toe."
            ),
            "status": str(FED_STATUS_TEXT),
            "note": _("Terugkoppeling van de mbo-school (levering %(batch)s, regel %(line)s)"),
            "note_plain": _("Terugkoppeling van de mbo-school"),
            "labels": {int(status): str(status.label) for status in Status},
        }


_LINK_PLACEHOLDER = 987654321


@lru_cache(maxsize=1)
def _link_template() -> str:
    return reverse("students:leerling", args=[_LINK_PLACEHOLDER])


def pupil_link(pupil_id: int) -> str:
    """reverse("students:leerling", args=[pupil_id]), without resolving the URL for every melding."""
    return _link_template().replace(str(_LINK_PLACEHOLDER), str(pupil_id))


def new_aanmelding_text(*, name: str, status: int, opleiding: str, school: str, count: int) -> str:
    texts = _texts()
    text = texts["new"] % {"name": name, "opleiding": opleiding, "school": school, "status": texts["labels"][status]}
    if count > MAX_AANMELDINGEN_PER_MBO_SCHOOL:
        text += " " + texts["limit"] % {"count": count, "school": school}
    return text


def status_text(*, name: str, status: int, opleiding: str, school: str) -> str:
    """The same text as notifications.receivers.fed_status_text (tests/feedback/test_rules_agree.py)."""
    texts = _texts()
    return texts["status"] % {"name": name, "status": texts["labels"][status], "opleiding": opleiding, "school": school}


def history_note(batch_id: int | None, line: int) -> str:
    texts = _texts()
    return texts["note_plain"] if batch_id is None else texts["note"] % {"batch": batch_id, "line": line}


def reason_unmatched() -> str:
    return _(
        "Geen leerling met dit BSN in VOROC. De regel wacht en wordt verwerkt zodra een school de leerling toevoegt."
    )


def reason_unknown_opleiding(row: FeedRow) -> str:
    opleiding = f"{row.crebo} {row.leerweg}" if row.leerweg else row.crebo
    return _(
        "crebo: opleiding %(opleiding)s staat (nog) niet in de opleidingencatalogus van uw school in VOROC. De regel "
        "wacht en wordt verwerkt zodra de opleiding is toegevoegd; neem contact op met de servicedesk als dat lang "
        "duurt."
    ) % {"opleiding": opleiding}


def reason_other_bsn() -> str:
    return _(
        "bsn: hoort niet bij de leerling van deze aanmelding (dit aanmelding_id is eerder met een ander BSN gemeld)"
    )


def reason_taken(other_id: str | None) -> str:
    if other_id:
        return _(
            "crebo: de leerling heeft bij uw school al een aanmelding voor deze opleiding, onder aanmelding_id %(id)s"
        ) % {"id": shown_id(other_id)}
    return _("crebo: de leerling heeft bij uw school al een aanmelding voor deze opleiding")


def warning_limit(count: int) -> str:
    return _(
        "De leerling heeft nu %(count)s aanmeldingen bij uw school in dit schooljaar; de procedure staat er twee "
        "toe. De aanmelding is wel verwerkt en de vo-school is ingelicht."
    ) % {"count": count}
