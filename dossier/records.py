"""What a dossier already knows about the pupil: read-only fields (record sources) and answers filled in when a dossier
is made (prefill sources), read from the pupil's account and, for a pupil of a vo-school, the school's record.

Never the BSN: "leerling.bsn" says whether the school knows it, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from doorstroom.declaration import CHOICE, DATE, TEXT

if TYPE_CHECKING:
    from .models import PupilAccount


def _name(account: PupilAccount) -> str:
    return account.pupil.full_name if account.pupil is not None else account.user.full_name


def _bsn(account: PupilAccount) -> str:
    if account.pupil is None:
        return _("niet bekend: je zit niet op een vo-school in VOROC")
    return _("bekend bij je school") if account.pupil.has_bsn else _("niet bekend bij je school")


def _school(account: PupilAccount) -> str:
    return account.pupil.school.name if account.pupil is not None else ""


# source → how to read it from an account: read-only fields of a page.
RECORD_SOURCES: dict[str, Callable[[PupilAccount], str]] = {
    "leerling.naam": _name,
    "leerling.email": lambda a: a.user.email,
    "leerling.bsn": _bsn,
    "leerling.school": _school,
}


def _number(account: PupilAccount) -> str | None:
    pupil = account.pupil
    if pupil is None:
        return None
    return f"{pupil.huisnummer}{(' ' + pupil.toevoeging) if pupil.toevoeging else ''}"


def _of_pupil(name: str) -> Callable[[PupilAccount], Any]:
    def read(account: PupilAccount) -> Any:
        pupil = account.pupil
        if pupil is None:
            return None
        value = getattr(pupil, name)
        return value.isoformat() if hasattr(value, "isoformat") else value

    return read


# source → (the type of question it fills, the answers it can give), and how to read it.
PREFILL_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pupil.geboortedatum": (DATE, ()),
    "pupil.geslacht": (CHOICE, ("m", "v", "x")),
    "pupil.straat": (TEXT, ()),
    "pupil.huisnummer": (TEXT, ()),
    "pupil.postcode": (TEXT, ()),
    "pupil.woonplaats": (TEXT, ()),
    "pupil.telefoon": (TEXT, ()),
}


def _birth_date(account: PupilAccount) -> str | None:
    """The school's date; for a pupil without a vo-school the one they gave when they registered."""
    from .models import Registration

    if account.pupil is not None:
        return account.pupil.geboortedatum.isoformat()
    registration = Registration.objects.filter(user=account.user).order_by("-created_at").first()
    return registration.geboortedatum.isoformat() if registration is not None else None


_PREFILL_READERS: dict[str, Callable[[PupilAccount], Any]] = {
    "pupil.geboortedatum": _birth_date,
    "pupil.geslacht": _of_pupil("geslacht"),
    "pupil.straat": _of_pupil("straat"),
    "pupil.huisnummer": _number,
    "pupil.postcode": _of_pupil("postcode"),
    "pupil.woonplaats": _of_pupil("woonplaats"),
    "pupil.telefoon": _of_pupil("telefoon"),
}
assert set(_PREFILL_READERS) == set(PREFILL_SOURCES)


def read_record(account: PupilAccount) -> dict[str, str]:
    return {source: reader(account) for source, reader in RECORD_SOURCES.items()}


def prefilled(account: PupilAccount, prefill: dict[str, str]) -> dict[str, Any]:
    """The answers a new dossier starts with: what the school already has (nothing for a pupil without one)."""
    found = {key: _PREFILL_READERS[source](account) for key, source in prefill.items()}
    return {key: value for key, value in found.items() if value not in (None, "")}
