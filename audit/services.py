"""Writing the audit log. Every view, list, export and change of a pupil's data calls one of these.

Pupils are passed as objects with ``pk`` and ``school_id`` (students.Pupil); this app imports no app
but accounts, so that every app can record here.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, transaction
from django.db.models import Model

from accounts import crypto
from accounts.models import User

from .context import Actor, current_actor, keep_until_shown
from .models import Action, AuditEntry, PupilKey

_KEY_PURPOSE = b"voroc:audit-pupil-key"
_DETAIL_PURPOSE = b"voroc:audit-detail"
Changes = Mapping[str, tuple[Any, Any]]


class PupilRef(NamedTuple):
    """A pupil named by id and school, where a screen shows a pupil's data without the Pupil at hand (a feed
    report's aanmelding, an audit entry)."""

    pk: int
    school_id: int | None


class PupilLike(Protocol):
    """What the log reads of a pupil: a students.Pupil, a PupilRef."""

    @property
    def pk(self) -> int: ...

    @property
    def school_id(self) -> int | None: ...


def _entry(action: str, actor: Actor, **fields: Any) -> AuditEntry:
    return AuditEntry(
        action=action,
        actor_id=actor.id,
        actor_name=actor.name[:200],
        actor_role=actor.role,
        actor_organisation_id=actor.organisation_id,
        ip=actor.ip,
        screen=fields.pop("screen", "") or actor.screen,
        **fields,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):  # a related object (a group): its name and id
        return f"{value} (#{value.pk})"
    return str(value)


# --- the per-pupil key that seals old → new values ---------------------------------------------------------
def _pupil_keys(pupil_ids: set[int]) -> dict[int, bytes]:
    """The keys of these pupils, made where missing (two queries, whatever the number of pupils)."""
    rows = {row.pupil_id: row.sealed_key for row in PupilKey.objects.filter(pupil_id__in=pupil_ids)}
    missing = pupil_ids - set(rows)
    if missing:
        new = {pk: os.urandom(32) for pk in missing}
        try:
            with transaction.atomic():
                PupilKey.objects.bulk_create(
                    [
                        PupilKey(pupil_id=pk, sealed_key=crypto.seal(key, purpose=_KEY_PURPOSE))
                        for pk, key in new.items()
                    ]
                )
        except IntegrityError:  # a parallel request made one a moment ago: read them all again
            return _pupil_keys(pupil_ids)
        return {**{pk: crypto.unseal(t, purpose=_KEY_PURPOSE) for pk, t in rows.items()}, **new}
    return {pk: crypto.unseal(t, purpose=_KEY_PURPOSE) for pk, t in rows.items()}


def _seal_detail(key: bytes, pupil_id: int, changes: dict[str, list[str]]) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(changes).encode(), _DETAIL_PURPOSE + str(pupil_id).encode())
    return (nonce + sealed).hex()


def details_of(entries: Iterable[AuditEntry]) -> dict[int, dict[str, list[str]] | None]:
    """Old → new values per entry id; ``None`` where the pupil's key is gone (removed completely)."""
    entries = [e for e in entries if e.detail]
    ids = {e.pupil_id for e in entries if e.pupil_id}
    keys = {
        row.pupil_id: crypto.unseal(row.sealed_key, purpose=_KEY_PURPOSE)
        for row in PupilKey.objects.filter(pupil_id__in=ids)
    }
    result: dict[int, dict[str, list[str]] | None] = {}
    for entry in entries:
        key = keys.get(entry.pupil_id or 0)
        if key is None:
            result[entry.pk] = None
            continue
        raw = bytes.fromhex(entry.detail)
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], _DETAIL_PURPOSE + str(entry.pupil_id).encode())
        result[entry.pk] = json.loads(plain)
    return result


def forget_pupil(pupil_id: int) -> int:
    """Complete removal (AVG): destroy the pupil's key. Their entries stay, without readable values."""
    return PupilKey.objects.filter(pupil_id=pupil_id).delete()[0]


# --- recording ---------------------------------------------------------------------------------------------
def record_view(pupil: PupilLike, *, summary: str = "") -> AuditEntry:
    """One pupil's data was shown (a page, a pop-up, a file). In a request it is written once the response
    shows it (see ``keep_until_shown``): a request answered 403 or 404 viewed nothing."""
    entry = _entry(Action.VIEW, current_actor(), pupil_id=pupil.pk, school_id=pupil.school_id, summary=summary[:300])
    if not keep_until_shown([entry]):
        entry.save()
    return entry


def record_pupils(action: str, pupils: Iterable[PupilLike], *, summary: str = "") -> list[AuditEntry]:
    """A list, export or print showed these pupils: one entry per school, whatever the number of pupils.

    In a request it is written once the response shows it (see ``keep_until_shown``)."""
    by_school: dict[int | None, list[int]] = defaultdict(list)
    for pupil in pupils:
        by_school[pupil.school_id].append(pupil.pk)
    actor = current_actor()
    entries = [
        _entry(
            action,
            actor,
            school_id=school_id,
            subjects=" " + " ".join(str(pk) for pk in sorted(ids)) + " ",
            count=len(ids),
            summary=summary[:300],
        )
        for school_id, ids in by_school.items()
    ]
    if not entries:  # an empty list is worth a line too: what was looked for, by whom
        entries = [_entry(action, actor, count=0, summary=summary[:300])]
    if keep_until_shown(entries):
        return entries
    return AuditEntry.objects.bulk_create(entries)


def record_change(
    pupil: PupilLike, *, action: str = Action.CHANGE, changes: Changes | None = None, summary: str = ""
) -> AuditEntry:
    """A pupil's data changed: which fields, and (sealed) from what to what."""
    return record_changes([(pupil, changes or {})], action=action, summary=summary)[0]


def record_changes(
    items: Iterable[tuple[Any, Changes]], *, action: str = Action.CHANGE, summary: str = ""
) -> list[AuditEntry]:
    """The same kind of change for several pupils (a group's diploma results): a few queries for all."""
    prepared = [
        (pupil, {name: [_text(old), _text(new)] for name, (old, new) in changes.items() if old != new})
        for pupil, changes in items
    ]
    keys = _pupil_keys({pupil.pk for pupil, changed in prepared if changed})
    actor = current_actor()
    entries = [
        _entry(
            action,
            actor,
            pupil_id=pupil.pk,
            school_id=pupil.school_id,
            fields=",".join(changed)[:500],
            summary=summary[:300],
            detail=_seal_detail(keys[pupil.pk], pupil.pk, changed) if changed else "",
        )
        for pupil, changed in prepared
    ]
    return AuditEntry.objects.bulk_create(entries)


def record_event(
    action: str, *, user: User | None = None, name: str = "", summary: str = "", pupil: PupilLike | None = None
) -> AuditEntry:
    """An account event (login, lockout, password change …) or one about a pupil without values."""
    actor = current_actor()
    if user is not None:
        actor = Actor(
            user.pk,
            user.full_name or user.username,
            user.role,
            user.organisation_id,
            actor.ip,
            actor.screen,
            actor.method,
        )
    elif name:
        actor = Actor(None, name, "", None, actor.ip, actor.screen, actor.method)
    entry = _entry(
        action,
        actor,
        summary=summary[:300],
        pupil_id=getattr(pupil, "pk", None),
        school_id=getattr(pupil, "school_id", None),
    )
    entry.save()
    return entry


def record_denied() -> AuditEntry:
    return record_event(Action.DENIED)


def record_out_of_scope(pupil_id: int) -> AuditEntry:
    """Someone asked for a pupil outside their scope (answered 404)."""
    entry = _entry(Action.OUT_OF_SCOPE, current_actor(), pupil_id=pupil_id)
    entry.save()
    return entry


def diff(instance: Model, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    """Old → new for the fields of ``data`` that differ from ``instance`` (read before saving)."""
    return {f: (getattr(instance, f), data[f]) for f in fields if f in data and getattr(instance, f) != data[f]}
