"""What the overview shows per pupil: the status row of each aanmelding and one line for where the pupil is heading.

Both are computed from prefetched rows (``with_applications``), so a list costs the same number of
queries for 10 pupils as for 600.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Aanmelding, Elders, Pupil, Status, StatusChange
from .statusrow import render

# Where ``with_applications`` puts the rows it reads: plain lists (``to_attr``). A relation prefetched the usual way
# costs a copy of its query per pupil, when it is stored and at each ``.all()`` (about 0.15 ms each: a third of a
# list page of 600 pupils); a list costs nothing to read.
AANMELDINGEN, ELDERS, HISTORY = "listed_aanmeldingen", "listed_elders", "listed_history"


def with_applications(pupils: QuerySet[Pupil], *, history: bool = True) -> QuerySet[Pupil]:
    """Pupils with their aanmeldingen (opleiding, mbo-school, and the status history the status rows need) and
    Elders, in three extra queries; read them with ``aanmeldingen_of``, ``elders_of`` and ``history_of``. Without
    ``history`` they are enough for the expected destination; a list that shows a page of them reads the history of
    that page alone (``with_history``)."""
    aanmeldingen = Aanmelding.objects.select_related("opleiding", "mbo_school", "location")
    if history:
        aanmeldingen = aanmeldingen.prefetch_related(history_prefetch())
    return pupils.prefetch_related(
        Prefetch("aanmeldingen", queryset=aanmeldingen, to_attr=AANMELDINGEN),
        Prefetch("elders", queryset=Elders.objects.order_by("date", "created_at", "pk"), to_attr=ELDERS),
    )


def with_history(pupils: list[Pupil]) -> None:
    """Read the status history of the aanmeldingen of ``pupils`` (from ``with_applications(history=False)``)
    in one query."""
    prefetch_related_objects([a for pupil in pupils for a in aanmeldingen_of(pupil)], history_prefetch())


def history_prefetch() -> Prefetch:
    """The status history in order, as a plain list (``history_of``)."""
    return Prefetch("history", queryset=StatusChange.objects.order_by("at", "recorded_at", "pk"), to_attr=HISTORY)


def aanmeldingen_of(pupil: Pupil) -> list[Aanmelding]:
    """The pupil's aanmeldingen as ``with_applications`` read them (or as the relation gives them)."""
    found = getattr(pupil, AANMELDINGEN, None)
    return found if found is not None else list(pupil.aanmeldingen.all())


def elders_of(pupil: Pupil) -> list[Elders]:
    """The pupil's Elders, oldest first, as ``with_applications`` read them (or as the relation gives them)."""
    found = getattr(pupil, ELDERS, None)
    return found if found is not None else list(pupil.elders.all())


def history_of(aanmelding: Aanmelding) -> list[StatusChange]:
    """The aanmelding's status changes in order, as ``with_applications``/``with_history`` read them (or as the
    relation gives them: a view's own prefetch)."""
    found = getattr(aanmelding, HISTORY, None)
    return found if found is not None else list(aanmelding.history.all())


@dataclass(frozen=True)
class Block:
    status: Status
    reached: bool
    at: datetime.datetime | None
    current: bool

    @property
    def css(self) -> str:
        return f"voroc-status-{int(self.status)}" if self.reached else "voroc-status-todo"


class StatusRow(list[Block]):
    """The seven blocks of one aanmelding; in a template ``{{ blocks.html }}`` writes them as the status row
    (students.statusrow), and ``{% for block in blocks %}`` goes through them."""

    def __init__(self, aanmelding: Aanmelding, blocks: list[Block]) -> None:
        super().__init__(blocks)
        self.aanmelding_pk = aanmelding.pk
        self.name = aanmelding.opleiding.name

    @property
    def html(self) -> SafeString:
        return render(self.aanmelding_pk, self.name, self)


def status_row(aanmelding: Aanmelding) -> StatusRow:
    """Seven blocks: a reached status carries the date it was (last) reached; the others are grey."""
    reached: dict[int, datetime.datetime] = {}
    for change in history_of(aanmelding):
        reached[change.status] = change.at
    blocks = [
        Block(status=s, reached=s in reached, at=reached.get(s), current=int(s) == aanmelding.status) for s in Status
    ]
    return StatusRow(aanmelding, blocks)


class Heading(enum.Enum):
    """Where a pupil is heading, from settled to open; the overview filters on these."""

    DEFINITIEF = "definitief"
    ELDERS = "elders"
    POSITIEF = "positief"
    AANGEMELD = "aangemeld"
    NEGATIEF = "negatief"
    GEEN = "geen"

    @property
    def label(self) -> str:
        return str(HEADING_LABELS[self])


HEADING_LABELS = {
    Heading.DEFINITIEF: gettext_lazy("Definitieve keuze"),
    Heading.ELDERS: gettext_lazy("Elders"),
    Heading.POSITIEF: gettext_lazy("Positief besluit, nog geen keuze"),
    Heading.AANGEMELD: gettext_lazy("Aangemeld, nog geen besluit"),
    Heading.NEGATIEF: gettext_lazy("Alleen negatieve besluiten of een geannuleerde intake"),
    Heading.GEEN: gettext_lazy("Geen aanmelding"),
}
OPEN_STATUSES = {Status.NIET_INGESCHREVEN, Status.ONTVANGSTBEVESTIGING, Status.INTAKE}
CLOSED_STATUSES = {Status.INTAKE_GEANNULEERD, Status.NEGATIEF_BESLUIT}


class Destination(NamedTuple):
    heading: Heading
    text: str


def describe(aanmelding: Aanmelding) -> str:
    o = aanmelding.opleiding
    return _("%(opleiding)s niveau %(niveau)s, %(school)s") % {
        "opleiding": o.name,
        "niveau": o.niveau,
        "school": aanmelding.mbo_school.name,
    }


def expected_destination(pupil: Pupil) -> Destination:
    """One line for the decaan in June: settled first (definitieve keuze, Elders), then what is still open."""
    aanmeldingen = aanmeldingen_of(pupil)
    elders = elders_of(pupil)
    final = [a for a in aanmeldingen if a.status == Status.DEFINITIEF]
    if final:
        latest = max(final, key=lambda a: a.status_at)
        return Destination(Heading.DEFINITIEF, _("Definitieve keuze: %(what)s") % {"what": describe(latest)})
    if elders:
        last = elders[-1]
        text = _("Elders: %(kind)s") % {"kind": last.get_kind_display().lower()}
        if last.name:
            text += f" ({last.name})"
        return Destination(Heading.ELDERS, text)
    positive = [a for a in aanmeldingen if a.status == Status.POSITIEF_BESLUIT]
    if len(positive) == 1:
        return Destination(
            Heading.POSITIEF, _("Positief besluit: %(what)s, nog geen keuze") % {"what": describe(positive[0])}
        )
    if positive:
        text = ngettext(
            "%(count)d positief besluit, nog geen keuze", "%(count)d positieve besluiten, nog geen keuze", len(positive)
        ) % {"count": len(positive)}
        return Destination(Heading.POSITIEF, text)
    if any(a.status in OPEN_STATUSES for a in aanmeldingen):
        count = len([a for a in aanmeldingen if a.status in OPEN_STATUSES])
        text = ngettext(
            "%(count)d aanmelding loopt, nog geen besluit", "%(count)d aanmeldingen lopen, nog geen besluit", count
        ) % {"count": count}
        return Destination(Heading.AANGEMELD, text)
    if aanmeldingen:
        return Destination(Heading.NEGATIEF, _("Geen plaats: alleen negatieve besluiten of een geannuleerde intake"))
    return Destination(Heading.GEEN, _("Geen aanmelding"))
