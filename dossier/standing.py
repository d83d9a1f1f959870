"""Where a pupil's doorstroomdossier stands, as the school sees it, and who holds it since when.

One place for the stand's words and for "too long": the school's list (views/standing.py), the pupil's page
(templatetags) and the reminders (reminders.py) read it here, so a dossier that is highlighted on screen is the one
that gets a reminder. Whoever holds a dossier holds it since:

* the pupil, filling in part A: their last save (``updated_at``);
* the mentor: since the pupil sent it (``sent_to_mentor_at``);
* the pupil again, for the akkoordverklaring: since it came back (``akkoord_since``);
* nobody once it was sent to the mbo.

"Too long" is longer than ``settings.VOROC_DOSSIER_REMINDER_DAYS`` days.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Dossier, DossierState

NOT_STARTED = "niet_gestart"
# The stands in the order a dossier goes through them, with the chip's words (the list's filter).
STANDS = {
    NOT_STARTED: gettext_lazy("Niet gestart"),
    DossierState.DEEL_A: gettext_lazy("Deel A"),
    DossierState.BIJ_MENTOR: gettext_lazy("Bij de mentor"),
    DossierState.AKKOORD: gettext_lazy("Wacht op akkoord"),
    DossierState.VERSTUURD: gettext_lazy("Verstuurd"),
}

ICONS = {
    NOT_STARTED: "bi-circle",
    DossierState.DEEL_A: "bi-pencil-square",
    DossierState.BIJ_MENTOR: "bi-person-workspace",
    DossierState.AKKOORD: "bi-hourglass-split",
    DossierState.VERSTUURD: "bi-send-check",
}


def limit_days() -> int:
    return settings.VOROC_DOSSIER_REMINDER_DAYS


def held_since(dossier: Dossier) -> datetime.datetime | None:
    """Since when whoever holds the dossier now holds it (None once it is sent)."""
    if dossier.state == DossierState.DEEL_A:
        return dossier.updated_at
    if dossier.state == DossierState.BIJ_MENTOR:
        return dossier.sent_to_mentor_at
    if dossier.state == DossierState.AKKOORD:
        return dossier.akkoord_since
    return None


def too_long(since: datetime.datetime | None, now: datetime.datetime, days: int) -> bool:
    return since is not None and since < now - datetime.timedelta(days=days)


def _date(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment).date(), "j F Y")


def _days(count: int) -> str:
    if count <= 0:
        return _("sinds vandaag")
    return ngettext("sinds %(count)d dag", "sinds %(count)d dagen", count) % {"count": count}


@dataclass(frozen=True)
class Stand:
    key: str  # NOT_STARTED or a DossierState
    text: str
    detail: str = ""  # the choice of opleiding, the last save, the last reminder
    days: int | None = None  # how long whoever holds it has held it
    late: bool = False  # longer than the reminder limit
    dossier: Dossier | None = None

    @property
    def icon(self) -> str:
        return ICONS[self.key]


def not_started(*, has_account: bool) -> Stand:
    return Stand(NOT_STARTED, _("niet gestart"), "" if has_account else _("nog geen account"))


def stand_of(dossier: Dossier, *, now: datetime.datetime | None = None, days: int | None = None) -> Stand:
    now = now or timezone.now()
    days = limit_days() if days is None else days
    since = held_since(dossier)
    held = (now - since).days if since is not None else None
    late = too_long(since, now, days)
    details = [dossier.choice_text] if dossier.choice_text else []
    if dossier.state == DossierState.DEEL_A:
        text = _("deel A %(percent)d%%") % {"percent": dossier.percent}
        if since is not None:
            details.append(_("laatst opgeslagen op %(date)s") % {"date": _date(since)})
    elif dossier.state == DossierState.BIJ_MENTOR:
        text = _("bij de mentor %(name)s %(since)s") % {
            "name": dossier.mentor_name or (dossier.mentor.full_name if dossier.mentor else "?"),
            "since": _days(held or 0),
        }
    elif dossier.state == DossierState.AKKOORD:
        text = _("wacht op akkoord %(since)s") % {"since": _days(held or 0)}
    else:
        school = dossier.mbo_school.name if dossier.mbo_school else _("het mbo")
        text = _("verstuurd naar %(school)s") % {"school": school}
        if dossier.sent_at is not None:
            text += " " + _("op %(date)s") % {"date": _date(dossier.sent_at)}
    if late and dossier.reminded_at is not None:
        details.append(_("herinnering gestuurd op %(date)s") % {"date": _date(dossier.reminded_at)})
    return Stand(dossier.state, text, " · ".join(details), held, late, dossier)


@dataclass(frozen=True)
class Waiting:
    """How long one step took, over the dossiers that finished it: the median in days, and over how many."""

    key: str
    text: str
    median: float | None
    count: int


def waiting_times(dossiers: Iterable[tuple]) -> list[Waiting]:
    """``dossiers``: (created_at, sent_to_mentor_at, returned_at, akkoord_since, sent_at) per dossier. Part A runs from
    the start to the mentor (or, without a mentor's part, to the akkoordverklaring); the mentor's part from sending
    to sending back; the akkoord from then to the mbo. What the waiting between people costs, made visible."""
    steps: dict[str, list[float]] = {"deel_a": [], "mentor": [], "akkoord": []}

    def days(start: datetime.datetime, end: datetime.datetime) -> float:
        return max(0.0, (end - start).total_seconds() / 86400)  # a clock set back never makes a step negative

    for created, to_mentor, returned, akkoord_since, sent in dossiers:
        end_a = to_mentor or (akkoord_since if returned is None else None)
        if end_a is not None:
            steps["deel_a"].append(days(created, end_a))
        if to_mentor is not None and returned is not None:
            steps["mentor"].append(days(to_mentor, returned))
        if akkoord_since is not None and sent is not None:
            steps["akkoord"].append(days(akkoord_since, sent))
    texts = {"deel_a": _("deel A"), "mentor": _("bij de mentor"), "akkoord": _("wachten op akkoord")}
    return [
        Waiting(key, str(texts[key]), round(statistics.median(values), 1) if values else None, len(values))
        for key, values in steps.items()
    ]
