"""The state of a pupil's doorstroomformulier as the overview and the pupil's page show it (an icon).

The forms belong to doorstroom/, which imports students and not the other way round: the overview reads the
state of the current version through the lazy relation ``doorstroomformulieren``, in the same query as
the pupils (a join, no query per row). The state values are doorstroom's ``Formulier.State``; a test in
tests/doorstroom keeps the two in step.

"Vergrendeld" (locked) is decided here, in one place, for doorstroom too: a form can no longer change or be
corrected once the pupil's school year is over (Oud leerlingen), or once it has been sent and the pupil has
made a definitieve keuze at an mbo-school.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .destination import aanmeldingen_of
from .models import Status
from .schoolyear import current_school_year

RELATION = "doorstroomformulieren"
SENT = "verzonden"


class FormIcon(NamedTuple):
    key: str
    icon: str
    label: str | Promise  # says what it is about, for an icon on its own (title, screen readers)
    short: str | Promise  # beside the word "Doorstroomformulier" (legend, the pupil's page)
    version: int = 0

    @property
    def correction(self) -> bool:
        return self.version > 1


# key → (Bootstrap icon, label); the handleiding's icons are deels ingevuld, compleet en geaccordeerd,
# verzonden and vergrendeld.
ICONS: dict[str, tuple[str, str | Promise, str | Promise]] = {
    "nieuw": ("file-earmark", _("Doorstroomformulier: nog niet gestart"), _("nog niet gestart")),
    "deels": ("file-earmark-text", _("Doorstroomformulier: deels ingevuld"), _("deels ingevuld")),
    "compleet": (
        "file-earmark-check",
        _("Doorstroomformulier: compleet, nog niet geaccordeerd"),
        _("compleet, nog niet geaccordeerd"),
    ),
    "geaccordeerd": (
        "file-earmark-check-fill",
        _("Doorstroomformulier: compleet en geaccordeerd"),
        _("compleet en geaccordeerd"),
    ),
    SENT: ("send-check-fill", _("Doorstroomformulier: verzonden naar het mbo"), _("verzonden naar het mbo")),
    "vergrendeld": (
        "file-earmark-lock-fill",
        _("Doorstroomformulier: vergrendeld, wijzigen is niet meer mogelijk"),
        _("vergrendeld, wijzigen is niet meer mogelijk"),
    ),
}


def with_form_state(pupils: QuerySet) -> QuerySet:
    """Pupils annotated with ``form_state`` and ``form_version`` of their current form (None: not started)."""
    return pupils.annotate(
        current_form=FilteredRelation(RELATION, condition=Q(doorstroomformulieren__is_current=True)),
        form_state=F("current_form__state"),
        form_version=F("current_form__version"),
        form_care_complete=F("current_form__care_complete"),
    )


def is_locked(*, school_year: int, ever_sent: bool, definitief: bool) -> bool:
    return school_year < current_school_year() or (ever_sent and definitief)


def form_icon(state: str | None, version: int | None, *, school_year: int, definitief: bool) -> FormIcon:
    state = state or "nieuw"
    version = version or 0
    ever_sent = state == SENT or version > 1
    if is_locked(school_year=school_year, ever_sent=ever_sent, definitief=definitief):
        state = "vergrendeld"
    icon, label, short = ICONS.get(state, ICONS["nieuw"])
    return FormIcon(state, icon, label, short, version)


def icon_for_pupil(pupil) -> FormIcon:
    """From a pupil of ``with_form_state`` whose aanmeldingen are prefetched (no query)."""
    definitief = any(a.status == Status.DEFINITIEF for a in aanmeldingen_of(pupil))
    return form_icon(
        getattr(pupil, "form_state", None),
        getattr(pupil, "form_version", None),
        school_year=pupil.school_year,
        definitief=definitief,
    )


COMPLETE = ("compleet", "geaccordeerd", SENT)
# The overview's filter on the form (?formulier=…); "onvolledig" is what the 1 February deadline counts.
FORM_FILTERS: dict[str, str | Promise] = {
    "onvolledig": _("Nog geen compleet formulier"),
    "compleet": _("Compleet, nog niet geaccordeerd"),
    "geaccordeerd": _("Geaccordeerd, nog niet verzonden"),
    SENT: _("Verzonden naar het mbo"),
    "zorg": _("Zorgstappen nog niet ingevuld"),
}


def without_complete_form(pupils: QuerySet) -> QuerySet:
    """Pupils with no complete version of the form (a correction being made after a sent one does not count)."""
    return pupils.exclude(**{f"{RELATION}__state__in": COMPLETE})


def filter_by_form(pupils: QuerySet, choice: str) -> QuerySet:
    """``pupils`` of with_form_state, narrowed to one of FORM_FILTERS."""
    if choice == "onvolledig":
        return without_complete_form(pupils)
    if choice == "zorg":  # no form yet, or its care steps not all filled in
        return pupils.filter(Q(form_care_complete=False) | Q(form_care_complete__isnull=True))
    if choice in FORM_FILTERS:
        return pupils.filter(form_state=choice)
    return pupils
