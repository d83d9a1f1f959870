"""Writes on pupils: look up a BSN, add, edit, delete, and re-encrypt every BSN under a new key."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.once import earlier_post
from accounts.versions import check_version, fingerprint
from audit.models import Action
from audit.services import diff, record_change

from . import bsn as bsn_crypto
from .models import Pupil, SchoolLink, SchoolYearStart, Source, new_no_bsn_code
from .schoolyear import current_school_year, forget_current_school_year, label
from .signals import pupil_bsn_set

PERSONAL_FIELDS = (
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "email",
    "telefoon",
    "straat",
    "huisnummer",
    "toevoeging",
    "postcode",
    "woonplaats",
)


class BsnStatus(enum.Enum):
    NEW = "new"
    IN_OWN_LIST = "own"
    AT_OTHER_SCHOOL = "other"


@dataclass(frozen=True)
class BsnCheck:
    status: BsnStatus
    pupil: Pupil | None = None  # the pupil in the own list (never one of another school)


def earlier_pupil(*, found: BsnCheck, by: User) -> Pupil | None:
    """The pupil of this BSN that ``by`` added moments ago, marked (accounts/once.py): the data step posted twice (a
    double click, the back button) shows the pupil added instead of "already in the list". None otherwise."""
    if found.status is not BsnStatus.IN_OWN_LIST or found.pupil is None:
        return None
    return earlier_post(Pupil.objects.filter(pk=found.pupil.pk), created_by=by)


def check_bsn(*, school: Organisation, bsn: str) -> BsnCheck:
    """Is this (valid, normalised) BSN new, already in this school's list, or at another school?"""
    matches = Pupil.objects.filter(bsn_index=bsn_crypto.blind_index(bsn))
    own = matches.filter(Q(school=school) | Q(school_links__school=school)).order_by("-school_year").first()
    if own is not None:
        return BsnCheck(BsnStatus.IN_OWN_LIST, own)
    if matches.exists():
        return BsnCheck(BsnStatus.AT_OTHER_SCHOOL)
    return BsnCheck(BsnStatus.NEW)


def _save(pupil: Pupil) -> Pupil:
    pupil.full_clean()
    try:
        with transaction.atomic():
            pupil.save()
    except IntegrityError as exc:
        # Two people adding the same pupil at the same moment: the unique constraint decides.
        raise ValidationError({"bsn": _("Deze leerling staat al in de lijst van deze school.")}) from exc
    return pupil


@transaction.atomic
def create_pupil(
    *,
    school: Organisation,
    data: dict,
    bsn: str | None,
    created_by: User | None,
    source: str = Source.SCHOOL,
    group: Any = None,  # a groups.Group or None (students does not import groups)
) -> Pupil:
    """Add a pupil. ``bsn=None`` means "Geen BSN nummer?": the pupil gets a unique code instead.

    The same pupil without BSN added moments ago by the same person is the form posted twice (a double click, the
    back button): that pupil is given back (accounts/once.py). With a BSN the BSN itself is the uniqueness rule
    (see earlier_pupil)."""
    if bsn is None:
        Organisation.objects.select_for_update().filter(pk=school.pk).first()  # two posts at once: one at a time
        same = earlier_post(
            Pupil.objects.filter(school=school, bsn_index__isnull=True),
            created_by=created_by,
            **{f: data[f] for f in PERSONAL_FIELDS if f in data},
        )
        if same is not None:
            return same
    pupil = Pupil(school=school, source=source, created_by=created_by, group=group)
    for field in PERSONAL_FIELDS:
        setattr(pupil, field, data[field] if field in data else getattr(pupil, field))
    if bsn is None:
        pupil.no_bsn_code = new_no_bsn_code()
    else:
        pupil.set_bsn(bsn)
    _save(pupil)
    if bsn is not None:
        announce_bsn(pupil=pupil)
    changes = {f: (None, getattr(pupil, f)) for f in PERSONAL_FIELDS if getattr(pupil, f) not in ("", None)}
    changes.update({"group": (None, group), "bsn": (None, "ingevuld" if bsn else "geen BSN (leerlingcode)")})
    record_change(pupil, action=Action.CREATE, changes=changes, summary="leerling toegevoegd")
    return pupil


def pupil_version(pupil: Pupil) -> str:
    """The ``versie`` of the pupil data an edit page shows (accounts/versions.py)."""
    values: dict[str, object] = {f: getattr(pupil, f) for f in PERSONAL_FIELDS}
    values.update(group=pupil.group_id, bsn=pupil.has_bsn)
    return fingerprint(values)


def _changed_since(stored: Pupil, data: dict[str, Any], group: Any = ...) -> list[str]:
    """What is stored now and differs from the user's input: named with its stored value."""
    lines = []
    for name in PERSONAL_FIELDS:
        if name in data and (data[name] or "") != (getattr(stored, name) or ""):
            label = getattr(Pupil._meta.get_field(name), "verbose_name", name)
            lines.append(_("%(field)s is nu “%(value)s”") % {"field": label, "value": getattr(stored, name) or "–"})
    if group is not ... and group != stored.group:
        lines.append(_("%(field)s is nu “%(value)s”") % {"field": _("groep"), "value": stored.group or "–"})
    return lines


@transaction.atomic
def update_pupil(
    *,
    pupil: Pupil,
    data: dict[str, Any],
    bsn: str | None = None,
    group: Any = ...,  # a groups.Group or None (students does not import groups); ... leaves it as it is
    version: str | None = None,
) -> Pupil:
    """Change personal data; a pupil without BSN may get one later (the code then goes).

    ``version``: the ``versie`` of the page the data comes from; when the stored data changed since, nothing
    is written (StaleVersion)."""
    # The stored values, not the instance's: a ModelForm has already put the new values on it.
    stored = Pupil.objects.select_for_update(of=("self",)).select_related("group").get(pk=pupil.pk)
    check_version(posted=version, current=pupil_version(stored), what=_changed_since(stored, data, group))
    changes = diff(stored, data, PERSONAL_FIELDS)
    if group is not ... and group != stored.group:
        changes["group"] = (stored.group, group)
    if bsn:
        changes["bsn"] = ("geen BSN (leerlingcode)", "ingevuld")  # the number itself is never written down
    for field in PERSONAL_FIELDS:
        if field in data:
            setattr(pupil, field, data[field])
    if group is not ...:
        pupil.group = group
    if bsn:
        pupil.set_bsn(bsn)
    _save(pupil)
    if changes:
        record_change(pupil, changes=changes, summary="leerlinggegevens")
    if bsn:
        announce_bsn(pupil=pupil)
    return pupil


def announce_bsn(*, pupil: Pupil) -> None:
    """After the commit: tell other apps (the mbo feed) that this pupil now has a BSN."""
    transaction.on_commit(lambda: pupil_bsn_set.send(sender=Pupil, pupil=pupil))


def delete_pupil(*, pupil: Pupil) -> None:
    """The school deletes a pupil: everything about them goes, as on complete removal (files, feed rows, …)."""
    from .privacy import remove_pupil_completely

    remove_pupil_completely(pupil=pupil, reason="school")


@transaction.atomic
def link_pupil_to_school(*, pupil: Pupil, school: Organisation, by: User | None, note: str = "") -> SchoolLink:
    link = SchoolLink(pupil=pupil, school=school, created_by=by, note=note)
    link.full_clean()
    link.save()
    record_change(pupil, changes={"gekoppelde school": (None, school.name)}, summary="gekoppeld aan een school")
    return link


def rotate_bsn_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every BSN with the current key and recompute its index; returns the number of rows.

    Run after putting a new key first in BSN_ENCRYPTION_KEYS (keep the old ones until this has run)
    or after changing BSN_INDEX_KEY. Each batch is its own transaction, so a large table does not
    hold one long lock; running it again is harmless.
    """
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Pupil.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(bsn_encrypted="")
                .order_by("pk")
                .only("pk", "bsn_encrypted", "bsn_index")[:batch_size]
            )
            if not batch:
                return done
            for pupil in batch:
                plain = bsn_crypto.decrypt(pupil.bsn_encrypted)
                pupil.bsn_encrypted = bsn_crypto.encrypt(plain)
                pupil.bsn_index = bsn_crypto.blind_index(plain)
            Pupil.objects.bulk_update(batch, ["bsn_encrypted", "bsn_index"])
            done += len(batch)
            last_pk = batch[-1].pk


def check_next_school_year(year: int) -> None:
    current = current_school_year()
    if year <= current:
        raise ValidationError(_("Schooljaar %(year)s is al begonnen.") % {"year": label(year)})
    if year != current + 1:
        raise ValidationError(
            _("Start de schooljaren één voor één: het volgende schooljaar is %(year)s.") % {"year": label(current + 1)}
        )


@transaction.atomic
def start_school_year(*, year: int, by: str) -> int:
    """Make ``year`` the current school year; returns how many pupils became Oud leerlingen.

    Nothing about the pupils changes: which list shows a pupil follows from their school year. Their
    aanmeldingen keep receiving the feed's statuses.
    """
    check_next_school_year(year)
    SchoolYearStart.objects.create(year=year, started_by=by)
    forget_current_school_year()
    return Pupil.objects.filter(school_year=year - 1).count()


@transaction.atomic
def bring_to_current_year(*, pupil: Pupil) -> Pupil:
    """A pupil who stays another year (e.g. "blijft op het vo"): back from Oud leerlingen into this year's list."""
    previous = pupil.school_year
    pupil.school_year = current_school_year()
    pupil.save(update_fields=["school_year", "updated_at"])
    record_change(
        pupil, changes={"school_year": (previous, pupil.school_year)}, summary="terug in de lijst van dit jaar"
    )
    return pupil
