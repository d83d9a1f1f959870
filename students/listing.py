"""The pupil list behind Leerling overzicht and Oud leerlingen, their exports and their print view.

One place reads the choices (group, search, sorting, expected destination) from the request and builds
the rows, so that the screen, the Excel file, the PDF and the print view always hold the same pupils.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import VO_ROLES
from accounts.models import Role, User

from .destination import (
    Block,
    Destination,
    Heading,
    aanmeldingen_of,
    elders_of,
    expected_destination,
    status_row,
    with_applications,
    with_history,
)
from .formstate import FORM_FILTERS, FormIcon, filter_by_form, icon_for_pupil, with_form_state
from .models import Aanmelding, Elders, Pupil
from .search import is_bsn_key, search_pupils, shown_search
from .selectors import groups_visible_to, pupils_visible_to, rights_for

OPEN = "open"
# The gemeente's reports and remarks about a pupil (gemeente.models, which imports students: read by relation name).
GEMEENTE_CASES, GEMEENTE_REMARKS, OVERSTAP = "gemeente_cases", "gemeente_remarks", "overstap"
LISTED_CASES, LISTED_REMARKS = "listed_cases", "listed_remarks"  # read for a page as plain lists
# The school's view of what it reported to the gemeente (filter "Gemeente" in Leerling overzicht).
GEMEENTE_FILTERS = {
    "overstap": gettext_lazy("Aangemeld bij De Overstap"),
    "risico": gettext_lazy("Risicomelding gedaan"),
    "open": gettext_lazy("Melding bij de gemeente loopt nog"),
    "afgesloten": gettext_lazy("Melding afgesloten door de gemeente"),
    "opmerking": gettext_lazy("Met opmerking van de gemeente"),
}
SETTLED = {Heading.DEFINITIEF, Heading.ELDERS}
DIPLOMA_FILTERS = {"ja": True, "nee": False, "onbekend": None}
# The screen shows a page of pupils at a time (the print view and the exports hold them all): a page of 40 is about
# 180 KB of HTML (voroc/bench/overview.py). A last page of up to PAGE_ORPHANS pupils joins the one before it, so a
# list of up to 60 (a mentor's two groups) stays on one page.
PAGE_SIZE = 40
PAGE_ORPHANS = 20
ALL_GROUPS = "alle"
NO_GROUP = "geen"
LINKED = "gekoppeld"  # pupils of another school the servicedesk linked to this one
SORTS = {
    "naam": [F("sort_achternaam").asc(), F("sort_voornaam").asc(), F("pk").asc()],
    "-naam": [F("sort_achternaam").desc(), F("sort_voornaam").desc(), F("pk").desc()],
    "groep": [
        F("group__name").asc(nulls_last=True),
        F("sort_achternaam").asc(),
        F("sort_voornaam").asc(),
        F("pk").asc(),
    ],
    "-groep": [
        F("group__name").desc(nulls_last=True),
        F("sort_achternaam").asc(),
        F("sort_voornaam").asc(),
        F("pk").asc(),
    ],
}


def _reported(user: User, choice: str) -> QuerySet:
    """The pupils in the user's scope with a report to the gemeente (or a remark of it) as chosen; through the lazy
    relations of the gemeente app (which imports students)."""
    pupils = pupils_visible_to(user)
    if choice == "opmerking":
        return pupils.filter(gemeente_remarks__isnull=False).values("pk")
    cases: dict[str, Q] = {
        "overstap": Q(gemeente_cases__kind=OVERSTAP),
        "risico": Q(gemeente_cases__kind="risico"),
        "open": Q(gemeente_cases__isnull=False),
        "afgesloten": Q(gemeente_cases__status="afgesloten"),
    }
    pupils = pupils.filter(cases[choice])
    if choice == "open":
        pupils = pupils.exclude(gemeente_cases__status="afgesloten")
    return pupils.values("pk")


@dataclass(frozen=True)
class Row:
    pupil: Pupil
    can_edit: bool
    can_delete: bool
    applications: list[tuple[Aanmelding, list[Block]]]
    elders: Elders | None
    destination: Destination
    form: FormIcon
    # The gemeente's side (the app gemeente, read through its lazy relations): the pupil's latest
    # Overstap-aanmelding this school year, and how many remarks the gemeente wrote.
    overstap: Any = None
    gemeente_remarks: int = 0
    linked_from: str = ""  # the pupil's own school, when the servicedesk linked it to the user's school

    @property
    def group_label(self) -> str:
        """The pupil's group as the user's school knows it (a linked pupil's group is the other school's)."""
        if self.linked_from:
            return _("gekoppeld vanuit %(school)s") % {"school": self.linked_from}
        return self.pupil.group.name if self.pupil.group else _("niet ingedeeld")


@dataclass
class PupilListing:
    """The pupils of one school year that ``user`` sees, as chosen in ``params`` (the query string)."""

    user: User
    year: int
    params: dict[str, str]
    groups: list = field(init=False)
    choice: str = field(init=False)
    selected_group: Any = field(init=False)  # a groups.Group (students does not import groups)
    query: str = field(init=False)
    sort: str = field(init=False)
    heading: Heading | None = field(init=False)

    def __post_init__(self) -> None:
        user, params = self.user, self.params
        self.groups = list(groups_visible_to(user))  # query: the groups for the selector
        choice = params.get("groep", "")
        if not choice:
            # A mentor with one group sees it at once (handleiding); everyone else starts with all groups.
            choice = str(self.groups[0].pk) if user.role == Role.MENTOR and len(self.groups) == 1 else ALL_GROUPS
        self.selected_group = next((g for g in self.groups if str(g.pk) == choice), None)
        # A vo-school's staff may see pupils of another school through a link ("Gekoppelde leerlingen").
        self.own_school_id = user.organisation_id if user.role in VO_ROLES else None
        if choice not in (ALL_GROUPS, NO_GROUP, LINKED) and self.selected_group is None:
            choice = ALL_GROUPS  # a group that is gone, or not the user's: show all rather than an error
        self.choice = choice
        # The search text (``q``) comes from the session; the address carries only its token (accounts.privacy).
        # A whole BSN is kept only as its keyed index (students.search), shown as "een BSN".
        self.query = params.get("q", "").strip()[:100]
        self.search_token = params.get("zoek", "") if self.query else ""
        self.sort = params.get("sort", "naam") if params.get("sort") in SORTS else "naam"
        self.heading = next((h for h in Heading if h.value == params.get("bestemming")), None)
        # "open": everyone without a settled destination (no definitieve keuze and no Elders).
        self.open_only = params.get("bestemming") == OPEN
        self.diploma = params.get("diploma", "") if params.get("diploma") in DIPLOMA_FILTERS else ""
        self.form = params.get("formulier", "") if params.get("formulier") in FORM_FILTERS else ""
        self.gemeente = params.get("gemeente", "") if params.get("gemeente") in GEMEENTE_FILTERS else ""

    @cached_property
    def has_linked(self) -> bool:
        """Whether the choice "Gekoppelde leerlingen" is offered: to the staff of a vo-school (not a mentor: a
        mentor's groups are the own school's) who see pupils of another school through a link (one query)."""
        if self.own_school_id is None or self.user.role == Role.MENTOR:
            return False
        visible = pupils_visible_to(self.user).filter(school_year=self.year)
        return visible.exclude(school_id=self.own_school_id).exists()

    def pupils(self) -> QuerySet[Pupil]:
        pupils = pupils_visible_to(self.user).filter(school_year=self.year).select_related("group", "school")
        pupils = with_form_state(pupils)  # the doorstroomformulier's state, joined in (no query per row)
        if self.selected_group is not None:
            pupils = pupils.filter(group=self.selected_group)
        elif self.choice == NO_GROUP:
            pupils = pupils.filter(group__isnull=True)
            if self.own_school_id is not None:
                pupils = pupils.filter(school_id=self.own_school_id)  # a linked pupil is under "Gekoppelde leerlingen"
        elif self.choice == LINKED:
            pupils = pupils.exclude(school_id=self.own_school_id) if self.own_school_id else pupils.none()
        if self.query:
            pupils = search_pupils(pupils, self.query)
        if self.diploma:
            pupils = pupils.filter(diploma=DIPLOMA_FILTERS[self.diploma])
        if self.form:
            pupils = filter_by_form(pupils, self.form)
        if self.gemeente:
            pupils = pupils.filter(pk__in=_reported(self.user, self.gemeente))
        return pupils.order_by(*SORTS[self.sort])

    def _chosen(self) -> tuple[list[tuple[Pupil, Destination]], Counter]:
        """Every chosen pupil with where it is heading, and how many are heading where (before the destination
        filter), then only those of the chosen destination: 3 queries, whatever the number of pupils."""
        pupils = [(pupil, expected_destination(pupil)) for pupil in with_applications(self.pupils(), history=False)]
        counts = Counter(destination.heading for _pupil, destination in pupils)
        if self.heading is not None:
            pupils = [(p, d) for p, d in pupils if d.heading == self.heading]
        elif self.open_only:
            pupils = [(p, d) for p, d in pupils if d.heading not in SETTLED]
        return pupils, counts

    def _rows(self, chosen: list[tuple[Pupil, Destination]]) -> list[Row]:
        """The rows of ``chosen`` pupils, with their status history and the gemeente's side read for them alone
        (3 queries)."""
        pupils = [pupil for pupil, _destination in chosen]
        with_history(pupils)
        prefetch_related_objects(
            pupils, Prefetch(GEMEENTE_CASES, to_attr=LISTED_CASES), Prefetch(GEMEENTE_REMARKS, to_attr=LISTED_REMARKS)
        )
        rows = []
        for pupil, destination in chosen:
            rights = rights_for(self.user, pupil)
            elders = elders_of(pupil)
            rows.append(
                Row(
                    pupil=pupil,
                    can_edit=rights.can_edit,
                    can_delete=rights.can_delete,
                    applications=[(a, status_row(a)) for a in aanmeldingen_of(pupil)],
                    elders=elders[-1] if elders else None,
                    destination=destination,
                    form=icon_for_pupil(pupil),
                    overstap=next(
                        (
                            c
                            for c in getattr(pupil, LISTED_CASES)
                            if c.kind == OVERSTAP and c.school_year == pupil.school_year
                        ),
                        None,
                    ),
                    gemeente_remarks=len(getattr(pupil, LISTED_REMARKS)),
                    linked_from=rights.linked_from,
                )
            )
        return rows

    def rows_and_counts(self) -> tuple[list[Row], Counter]:
        """Every chosen pupil's row (the print view and the exports hold them all) and the counts per destination."""
        chosen, counts = self._chosen()
        return self._rows(chosen), counts

    def page(self, number: str | None) -> tuple[Page, list[Row], Counter]:
        """One page of the rows (the screen: a list of hundreds of pupils is paged), and the counts per destination
        of all of them; a page number out of range gives the last page."""
        chosen, counts = self._chosen()
        page = Paginator(chosen, PAGE_SIZE, orphans=PAGE_ORPHANS).get_page(number)
        return page, self._rows(list(page.object_list)), counts

    def rows(self) -> list[Row]:
        return self.rows_and_counts()[0]

    def audit_summary(self, request) -> str:
        """What was listed, for the audit log; the search text itself (a name) is not written down."""
        group = (
            self.selected_group.name
            if self.selected_group
            else {ALL_GROUPS: "alle groepen", NO_GROUP: "niet ingedeeld", LINKED: "gekoppelde leerlingen"}.get(
                self.choice, self.choice
            )
        )
        parts = [
            request.resolver_match.view_name if request.resolver_match else "",
            f"schooljaar {self.year}",
            f"groep {group}",
        ]
        if self.query:
            parts.append("met zoekopdracht")
        return ", ".join(p for p in parts if p)

    def link(self, **change: str) -> str:
        values = {
            "groep": self.choice,
            "zoek": self.search_token,
            "sort": self.sort,
            "bestemming": self.heading.value if self.heading else (OPEN if self.open_only else ""),
            "diploma": self.diploma,
            "formulier": self.form,
            "gemeente": self.gemeente,
            **change,
        }
        return "?" + urlencode({k: v for k, v in values.items() if v})

    def count(self) -> int:
        """How many pupils the list holds: one COUNT query, unless a destination filter needs the rows."""
        if self.heading is None and not self.open_only:
            return self.pupils().count()
        return len(self._chosen()[0])

    @property
    def query_is_bsn(self) -> bool:
        return is_bsn_key(self.query)

    @property
    def shown_query(self) -> str:
        """The search text for the search box and the headings; nothing for a BSN."""
        return shown_search(self.query)

    @property
    def gemeente_label(self) -> str:
        return str(GEMEENTE_FILTERS.get(self.gemeente, ""))

    @property
    def form_label(self) -> str:
        return str(FORM_FILTERS.get(self.form, ""))

    @property
    def group_label(self) -> str:
        if self.selected_group is not None:
            return str(self.selected_group)
        return _("Niet ingedeeld") if self.choice == NO_GROUP else _("Alle groepen")
