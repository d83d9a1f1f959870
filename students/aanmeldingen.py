"""Writes on aanmeldingen, their statuses, Elders and the pupil's flags. Every change keeps its history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.once import earlier_post
from accounts.text_fields import check_length
from accounts.versions import StaleVersion, check_version, fingerprint
from audit.services import record_change, record_changes

from .models import (
    EXTRA_AANDACHT_MAX,
    MAX_AANMELDINGEN_PER_MBO_SCHOOL,
    NOTE_MAX,
    Aanmelding,
    Elders,
    FlagChange,
    Location,
    Opleiding,
    Pupil,
    Status,
    StatusChange,
    StatusSource,
)
from .signals import aanmelding_created, current_status_changed


def _name(user: User | None) -> str:
    return (user.full_name or user.username) if user else ""


def _as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date typed by a user is "now" when it is today (so it follows what was recorded earlier today), noon otherwise."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if value == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12, 0)))


def _note(note: str) -> str:
    return check_length(note.strip(), field="note", label=_("Toelichting"), limit=NOTE_MAX)


def refuse_hand_edit_of_connected(aanmelding_or_opleiding: Aanmelding | Opleiding) -> None:
    school = (
        aanmelding_or_opleiding.mbo_school
        if isinstance(aanmelding_or_opleiding, Aanmelding)
        else aanmelding_or_opleiding.school
    )
    if school.connected:
        raise ValidationError(
            _(
                "%(school)s levert de stand van de aanmeldingen zelf aan; deze statussen komen automatisch binnen "
                "en kunnen niet met de hand worden gewijzigd."
            )
            % {"school": school.name}
        )


@transaction.atomic
def add_aanmelding(
    *,
    pupil: Pupil,
    opleiding: Opleiding,
    status: int = Status.NIET_INGESCHREVEN,
    at: datetime.date | datetime.datetime | None = None,
    source: str = StatusSource.HAND,
    by: User | None = None,
    location: Location | None = None,
    external_id: str | None = None,
    cohort: int | None = None,
    note: str = "",
) -> Aanmelding:
    """Record an aanmelding; at most two opleidingen at one mbo-school in one school year.

    The limit is the procedure's rule for what a vo-school enters. What a connected mbo-school feeds back
    (``source="feed"``) is its own record of the applications it holds, and is kept even beyond two: the
    feed reports such a case as a warning instead of losing it.
    """
    if source == StatusSource.HAND:
        refuse_hand_edit_of_connected(opleiding)
    # Lock the pupil so that two simultaneous additions cannot both pass the count.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    existing = Aanmelding.objects.filter(pupil=pupil, mbo_school=opleiding.school, school_year=pupil.school_year)
    if source == StatusSource.HAND:
        note = _note(note)
        same = earlier_post(existing, opleiding=opleiding, status=status, created_by=by) if by else None
        if same is not None:  # the same form posted twice (a double click, the back button): kept once
            return same
    if existing.filter(opleiding=opleiding).exists():
        raise ValidationError({"opleiding": _("De leerling is al aangemeld voor deze opleiding.")})
    if source == StatusSource.HAND and existing.count() >= MAX_AANMELDINGEN_PER_MBO_SCHOOL:
        raise ValidationError(
            {
                "opleiding": _(
                    "Een leerling kan zich voor maximaal twee opleidingen bij één mbo-school aanmelden. "
                    "%(name)s heeft al twee aanmeldingen bij %(school)s."
                )
                % {"name": pupil.full_name, "school": opleiding.school.name}
            }
        )
    when = _as_datetime(at or timezone.now())
    if source == StatusSource.HAND:
        _check_hand_status(Aanmelding(pupil=pupil), status, when)
    aanmelding = Aanmelding(
        pupil=pupil,
        opleiding=opleiding,
        mbo_school=opleiding.school,
        location=location,
        school_year=pupil.school_year,
        external_id=external_id,
        cohort=cohort,
        status=status,
        status_at=when,
        created_by=by,
    )
    aanmelding.full_clean()
    aanmelding.save()
    StatusChange.objects.create(
        aanmelding=aanmelding, status=status, at=when, source=source, user=by, user_name=_name(by), note=note
    )
    aanmelding_created.send(sender=Aanmelding, aanmelding=aanmelding, source=source)
    record_change(
        pupil,
        changes={"aanmelding": (None, f"{opleiding} – {opleiding.school.name}: {Status(status).label}")},
        summary="aanmelding toegevoegd" + (" (terugkoppeling mbo)" if source == StatusSource.FEED else ""),
    )
    return aanmelding


def _check_hand_status(aanmelding: Aanmelding, status: int, when: datetime.datetime) -> None:
    """What a school records by hand must make sense: no future, no going back in time, one final choice."""
    if when > timezone.now() + datetime.timedelta(days=1):
        raise ValidationError({"at": _("De datum van een status kan niet in de toekomst liggen.")})
    if aanmelding.pk and timezone.localtime(when).date() < timezone.localtime(aanmelding.status_at).date():
        raise ValidationError(
            {
                "at": _("De datum ligt vóór die van de huidige status (%(date)s). Kies die datum of een latere.")
                % {"date": timezone.localtime(aanmelding.status_at).strftime("%d-%m-%Y")}
            }
        )
    if status == Status.DEFINITIEF:
        other = (
            Aanmelding.objects.filter(pupil_id=aanmelding.pupil_id, status=Status.DEFINITIEF)
            .exclude(pk=aanmelding.pk)
            .select_related("opleiding")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "status": _(
                        "De leerling heeft al een definitieve keuze: %(opleiding)s. Een leerling maakt één "
                        "definitieve keuze; wijzig eerst die aanmelding."
                    )
                    % {"opleiding": other.opleiding.name}
                }
            )


def status_version(aanmelding: Aanmelding) -> str:
    """The ``versie`` of an aanmelding's current status as a page shows it (accounts/versions.py)."""
    return fingerprint({"status": aanmelding.status, "at": aanmelding.status_at})


@transaction.atomic
def record_status(
    *,
    aanmelding: Aanmelding,
    status: int,
    at: datetime.date | datetime.datetime,
    source: str,
    by: User | None = None,
    note: str = "",
    version: str | None = None,
) -> StatusChange:
    """Add a status to the history. The current status moves only forward in time, never back.

    ``version``: the ``versie`` of the page the status was chosen on (status_version); when the current status
    changed since, nothing is recorded (accounts/versions.StaleVersion)."""
    if source == StatusSource.HAND:
        refuse_hand_edit_of_connected(aanmelding)
        note = _note(note)
        Aanmelding.objects.select_for_update().filter(pk=aanmelding.pk).first()  # two posts at once: one at a time
        day = at if not isinstance(at, datetime.datetime) else timezone.localtime(_as_datetime(at)).date()
        same = earlier_post(
            aanmelding.history.all(), at="recorded_at", status=status, at__date=day, user=by, source=source, note=note
        )
        if (
            same is not None and by is not None
        ):  # the same status posted twice (a double click, the back button): kept once
            return same
    if version is not None:
        stored = Aanmelding.objects.select_for_update().get(pk=aanmelding.pk)
        check_version(
            posted=version,
            current=status_version(stored),
            what=[
                _("de huidige status is nu “%(status)s” (%(date)s)")
                % {"status": stored.get_status_display(), "date": f"{timezone.localtime(stored.status_at):%d-%m-%Y}"}
            ],
        )
    when = _as_datetime(at)
    if source == StatusSource.HAND:
        _check_hand_status(aanmelding, status, when)
    change = StatusChange(
        aanmelding=aanmelding, status=status, at=when, source=source, user=by, user_name=_name(by), note=note
    )
    change.full_clean()
    change.save()
    locked = Aanmelding.objects.select_for_update().get(pk=aanmelding.pk)
    if when >= locked.status_at:
        previous = locked.status
        locked.status, locked.status_at = status, when
        locked.save(update_fields=["status", "status_at"])
        aanmelding.status, aanmelding.status_at = status, when
        if previous != status:
            current_status_changed.send(sender=Aanmelding, aanmelding=aanmelding, previous=previous, source=source)
    record_change(
        aanmelding.pupil,
        changes={f"status {aanmelding.opleiding}": (None, f"{Status(status).label} ({when:%d-%m-%Y})")},
        summary="status" + (" (terugkoppeling mbo)" if source == StatusSource.FEED else ""),
    )
    return change


@transaction.atomic
def delete_aanmelding(*, aanmelding: Aanmelding) -> None:
    """Only for aanmeldingen the school recorded by hand (a connected school's come from its feed)."""
    refuse_hand_edit_of_connected(aanmelding)
    record_change(aanmelding.pupil, changes={"aanmelding": (str(aanmelding), None)}, summary="aanmelding verwijderd")
    aanmelding.delete()


@transaction.atomic
def record_elders(
    *, pupil: Pupil, kind: str, date: datetime.date, name: str = "", note: str = "", by: User | None = None
) -> Elders:
    name, note = name.strip(), _note(note)
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # two posts at once: one after the other
    same = earlier_post(pupil.elders.all(), kind=kind, name=name, date=date, note=note, created_by=by)
    if (
        same is not None and by is not None
    ):  # the same destination posted twice (a double click, the back button): kept once
        return same
    elders = Elders(pupil=pupil, kind=kind, name=name, date=date, note=note, created_by=by)
    elders.full_clean()
    elders.save()
    record_change(pupil, changes={"elders": (None, f"{elders} ({date:%d-%m-%Y})")}, summary="bestemming elders")
    return elders


def _flag_text(value) -> str:
    return {True: "ja", False: "nee", None: ""}.get(value, value) if not isinstance(value, str) else value


DIPLOMA_TEXT = {True: _("behaald"), False: _("niet behaald"), None: _("nog niet bekend")}


def _check_diploma_shown(pupils: list[Pupil], shown: Mapping[int, bool | None]) -> None:
    stored = dict(
        Pupil.objects.select_for_update()
        .filter(pk__in=[p.pk for p in pupils if p.pk in shown])
        .values_list("pk", "diploma")
    )
    stale = [p for p in pupils if p.pk in stored and stored[p.pk] is not shown[p.pk]]
    for pupil in pupils:
        if pupil.pk in stored:
            pupil.diploma = stored[pupil.pk]
    if stale:
        raise StaleVersion(
            current="",
            what=[
                _("het vmbo-diploma van %(name)s staat nu op “%(value)s”")
                % {"name": p.full_name, "value": DIPLOMA_TEXT[p.diploma]}
                for p in stale
            ],
        )


@transaction.atomic
def set_diploma(
    *, pupils: Iterable[Pupil], value: bool | None, by: User | None, shown: Mapping[int, bool | None] | None = None
) -> int:
    """vmbo-diploma behaald: ja, nee or not yet known; for one pupil or a whole group. Returns changes.

    ``shown``: per pupil the value the page showed; when a stored value differs from it (someone else set it
    since), nothing is written (accounts/versions.StaleVersion, naming what is stored now)."""
    pupils = list(pupils)
    if shown is not None:
        _check_diploma_shown(pupils, shown)
    changed = [p for p in pupils if p.diploma is not value]
    FlagChange.objects.bulk_create(
        [
            FlagChange(
                pupil=p,
                flag=FlagChange.Flag.DIPLOMA,
                old_value=_flag_text(p.diploma),
                new_value=_flag_text(value),
                user=by,
                user_name=_name(by),
            )
            for p in changed
        ]
    )
    Pupil.objects.filter(pk__in=[p.pk for p in changed]).update(diploma=value, updated_at=timezone.now())
    record_changes([(p, {"diploma": (p.diploma, value)}) for p in changed], summary="vmbo-diploma")
    for pupil in changed:
        pupil.diploma = value
    return len(changed)


@transaction.atomic
def set_group_diploma(
    *,
    pupils: Iterable[Pupil],
    chosen: Mapping[int, bool | None],
    shown: Mapping[int, bool | None] | None,
    by: User | None,
) -> int:
    """The diploma-uitslag of a group: per pupil the value chosen. With ``shown`` (what the page showed per
    pupil) a row the user did not change is not written, and a changed row someone else set meanwhile refuses
    the whole save (StaleVersion). Returns how many changed."""
    pupils = list(pupils)
    if shown is not None:
        pupils = [p for p in pupils if not (p.pk in shown and chosen[p.pk] is shown[p.pk])]
        _check_diploma_shown(pupils, shown)
    return sum(
        set_diploma(pupils=[p for p in pupils if chosen[p.pk] is value], value=value, by=by)
        for value in (True, False, None)
    )


def extra_aandacht_version(pupil: Pupil) -> str:
    return fingerprint({"extra_aandacht": pupil.extra_aandacht})


@transaction.atomic
def set_extra_aandacht(*, pupil: Pupil, text: str, by: User | None, version: str | None = None) -> bool:
    """The text for the mbo about extra aandacht / extra loopbaanadvies; empty removes the flag.

    ``version``: the ``versie`` of the page the text was typed on (extra_aandacht_version); when the stored text
    changed since, nothing is written (accounts/versions.StaleVersion)."""
    stored = Pupil.objects.select_for_update().only("extra_aandacht").get(pk=pupil.pk)
    check_version(
        posted=version,
        current=extra_aandacht_version(stored),
        what=[_("de opgeslagen tekst is nu “%(text)s”") % {"text": stored.extra_aandacht or "–"}],
    )
    pupil.extra_aandacht = stored.extra_aandacht
    text = check_length(text.strip(), field="text", label=_("Informatie voor het mbo"), limit=EXTRA_AANDACHT_MAX)
    if text == pupil.extra_aandacht:
        return False
    FlagChange.objects.create(
        pupil=pupil,
        flag=FlagChange.Flag.EXTRA_AANDACHT,
        old_value=pupil.extra_aandacht,
        new_value=text,
        user=by,
        user_name=_name(by),
    )
    record_change(pupil, changes={"extra_aandacht": (pupil.extra_aandacht, text)}, summary="extra aandacht")
    pupil.extra_aandacht = text
    pupil.save(update_fields=["extra_aandacht", "updated_at"])
    return True


@transaction.atomic
def delete_elders(*, elders: Elders) -> None:
    """A destination recorded by mistake; a real change of plan is a new Elders entry, which keeps the old."""
    record_change(
        elders.pupil, changes={"elders": (f"{elders} ({elders.date:%d-%m-%Y})", None)}, summary="elders verwijderd"
    )
    elders.delete()
