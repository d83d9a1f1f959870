"""Which words in the ``status`` column mean which of VOROC's seven statuses.

Accepted, case-insensitive and with any spacing: the feed's codes (feedback-feed.md), the Dutch labels of
the status row, and the status values of the national early-application service (VVA, "vroeg
aanmelden"), mapped as in the table below (also in README, "The mbo feedback feed").

=================================  ===================================
VVA status                         VOROC status
=================================  ===================================
aanmelding ontvangen               2 Ontvangstbevestiging inschrijving
aangemeld                          2 Ontvangstbevestiging inschrijving
onderwijsovereenkomst aangeboden   6 Positief plaatsingsbesluit
leidt niet tot inschrijving        5 Negatief plaatsingsbesluit
ingetrokken                        4 Intake geannuleerd
ingeschreven                       7 Definitieve keuze
=================================  ===================================
"""

from __future__ import annotations

from students.models import STATUS_CODES, Status

# Dutch labels as the status row shows them (students.models.Status), written out: the feed's meaning must
# not change when a label in the interface is reworded or translated.
DUTCH_LABELS = {
    "nog niet ingeschreven": Status.NIET_INGESCHREVEN,
    "ontvangstbevestiging inschrijving": Status.ONTVANGSTBEVESTIGING,
    "intakegesprek": Status.INTAKE,
    "intake geannuleerd": Status.INTAKE_GEANNULEERD,
    "negatief plaatsingsbesluit": Status.NEGATIEF_BESLUIT,
    "positief plaatsingsbesluit": Status.POSITIEF_BESLUIT,
    "definitieve keuze": Status.DEFINITIEF,
}

VVA_STATUSES = {
    "aanmelding ontvangen": Status.ONTVANGSTBEVESTIGING,
    "aangemeld": Status.ONTVANGSTBEVESTIGING,
    "onderwijsovereenkomst aangeboden": Status.POSITIEF_BESLUIT,
    "leidt niet tot inschrijving": Status.NEGATIEF_BESLUIT,
    "ingetrokken": Status.INTAKE_GEANNULEERD,
    "ingeschreven": Status.DEFINITIEF,
}


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


STATUS_WORDS: dict[str, int] = {
    **{_key(code): int(status) for code, status in STATUS_CODES.items()},
    **{_key(label): int(status) for label, status in DUTCH_LABELS.items()},
    **{_key(word): int(status) for word, status in VVA_STATUSES.items()},
}


def status_from(text: str) -> int | None:
    """The status a word stands for, or None when it is none of the accepted words."""
    return STATUS_WORDS.get(_key(text))
