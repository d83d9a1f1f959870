"""Leerlingen in de gemeente: the pupils who live in the user's gemeente, with the filters Leerplicht/RMC works with.

What decides a filter (the expected destination, "geen positief besluit", a case of the gemeente) is computed by the
database for all residents at once, so the counts per filter cost one query and a page of 100 rows a fixed few more,
whatever the number of residents. The row itself shows what the school's overview shows (students.destination).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from students.destination import (
    Destination,
    Heading,
    aanmeldingen_of,
    elders_of,
    expected_destination,
    status_row,
    with_applications,
)
from students.formstate import FormIcon, icon_for_pupil, with_form_state
from students.models import Aanmelding, Elders, Pupil, Status
from students.schoolyear import current_school_year
from students.search import is_bsn_key, search_pupils, shown_search
from students.selectors import pupils_visible_to

from .models import Case, CaseKind
from .selectors import cases_visible_to

PAGE_SIZE = 100
OPEN = "open"
SORTS = {
    "naam": [F("sort_achternaam").asc(), F("sort_voornaam").asc(), F("pk").asc()],
    "-naam": [F("sort_achternaam").desc(), F("sort_voornaam").desc(), F("pk").desc()],
    "school": [F("school__name").asc(), F("sort_achternaam").asc(), F("sort_voornaam").asc(), F("pk").asc()],
    "-school": [F("school__name").desc(), F("sort_achternaam").asc(), F("sort_voornaam").asc(), F("pk").asc()],
}

# The gemeente's own filters: key → (label, condition on the annotated pupils).
SIGNALS: dict[str, tuple[str | Promise, Q]] = {
    "geen_aanmelding": (_("Geen aanmelding"), Q(has_aanmelding=False, has_elders=False)),
    "geen_positief": (_("Geen positief besluit"), Q(has_positief=False, has_elders=False)),
    "geen_diploma": (_("Geen vmbo-diploma"), Q(diploma=False)),
    # After the exams: no definitieve keuze at an mbo-school and no destination recorded under Elders.
    "zonder_bestemming": (_("Zonder schoolbestemming"), Q(has_definitief=False, has_elders=False)),
    "overstap": (_("De Overstap"), Q(has_overstap=True)),
    "risico": (_("Risicomelding"), Q(has_risico=True)),
    "niet_verschenen": (_("Niet verschenen"), Q(has_niet_verschenen=True)),
}


def _heading() -> SqlCase:
    """The expected destination's heading in SQL, in the order of students.destination.expected_destination."""
    return SqlCase(
        When(has_definitief=True, then=Value(Heading.DEFINITIEF.value)),
        When(has_elders=True, then=Value(Heading.ELDERS.value)),
        When(has_positief_only=True, then=Value(Heading.POSITIEF.value)),
        When(has_open=True, then=Value(Heading.AANGEMELD.value)),
        When(has_aanmelding=True, then=Value(Heading.NEGATIEF.value)),
        default=Value(Heading.GEEN.value),
        output_field=CharField(),
    )


def annotate_signals(pupils: QuerySet[Pupil], gemeente_id: int | None) -> QuerySet[Any]:
    def aanmelding(**filters: Any) -> Exists:
        return Exists(Aanmelding.objects.filter(pupil=OuterRef("pk"), **filters))

    def case(kind: str) -> Exists:
        return Exists(Case.objects.filter(pupil=OuterRef("pk"), gemeente_id=gemeente_id, kind=kind))

    return pupils.annotate(
        has_aanmelding=aanmelding(),
        has_definitief=aanmelding(status=Status.DEFINITIEF),
        has_positief=aanmelding(status__in=[Status.POSITIEF_BESLUIT, Status.DEFINITIEF]),
        has_positief_only=aanmelding(status=Status.POSITIEF_BESLUIT),
        has_open=aanmelding(status__in=[Status.NIET_INGESCHREVEN, Status.ONTVANGSTBEVESTIGING, Status.INTAKE]),
        has_elders=Exists(Elders.objects.filter(pupil=OuterRef("pk"))),
        has_overstap=case(CaseKind.OVERSTAP),
        has_risico=case(CaseKind.RISICO),
        has_niet_verschenen=case(CaseKind.NIET_VERSCHENEN),
    ).annotate(heading=_heading())


@dataclass(frozen=True)
class Row:
    pupil: Pupil
    applications: list
    elders: Elders | None
    destination: Destination
    form: FormIcon
    cases: list[Case]
    remarks: int

    @property
    def overstap(self) -> Case | None:
        return next((c for c in self.cases if c.kind == CaseKind.OVERSTAP), None)

    @property
    def risico(self) -> Case | None:
        return next((c for c in self.cases if c.kind == CaseKind.RISICO), None)

    @property
    def niet_verschenen(self) -> Case | None:
        return next((c for c in self.cases if c.kind == CaseKind.NIET_VERSCHENEN), None)


@dataclass
class ResidentListing:
    """The residents of the user's gemeente in one school year, as chosen in ``params`` (the query string)."""

    user: User
    params: dict[str, str]
    year: int = field(init=False)
    former: bool = field(init=False)
    schools: list[Organisation] = field(init=False)
    school: Organisation | None = field(init=False)
    heading: Heading | None = field(init=False)
    open_only: bool = field(init=False)
    signal: str = field(init=False)
    query: str = field(init=False)
    sort: str = field(init=False)

    def __post_init__(self) -> None:
        params = self.params
        self.former = params.get("jaar") == "vorig"
        self.year = current_school_year() - (1 if self.former else 0)
        # query: the vo-schools where residents of this year are (for the school filter)
        self.schools = list(
            Organisation.objects.filter(pk__in=self._scoped().values("school_id")).order_by("name", "pk")
        )
        chosen = params.get("school", "")
        self.school = next((s for s in self.schools if str(s.pk) == chosen), None)
        self.heading = next((h for h in Heading if h.value == params.get("bestemming")), None)
        self.open_only = params.get("bestemming") == OPEN
        self.signal = params.get("kenmerk", "") if params.get("kenmerk") in SIGNALS else ""
        self.query = params.get("q", "").strip()[:100]
        self.search_token = params.get("zoek", "") if self.query else ""
        self.sort = params.get("sort", "naam") if params.get("sort") in SORTS else "naam"

    def _scoped(self) -> QuerySet[Pupil]:
        return pupils_visible_to(self.user).filter(school_year=self.year)

    def base(self) -> QuerySet[Any]:
        """The residents before the destination and signal filters (school and search applied)."""
        pupils = annotate_signals(self._scoped(), self.user.organisation_id)
        if self.school is not None:
            pupils = pupils.filter(school=self.school)
        if self.query:
            pupils = search_pupils(pupils, self.query)
        return pupils

    def pupils(self) -> QuerySet[Any]:
        pupils = self.base()
        if self.heading is not None:
            pupils = pupils.filter(heading=self.heading.value)
        elif self.open_only:
            pupils = pupils.exclude(heading__in=[Heading.DEFINITIEF.value, Heading.ELDERS.value])
        if self.signal:
            pupils = pupils.filter(SIGNALS[self.signal][1])
        return pupils.order_by(*SORTS[self.sort])

    def counts(self) -> dict[str, int]:
        """How many residents each choice would show (one query): per heading, "open" and per signal."""
        aggregates: dict[str, Any] = {"total": Count("pk")}
        for heading in Heading:
            aggregates[heading.value] = Count("pk", filter=Q(heading=heading.value))
        for key, (_label, condition) in SIGNALS.items():
            aggregates[key] = Count("pk", filter=condition)
        counts = self.base().aggregate(**aggregates)
        counts[OPEN] = counts["total"] - counts[Heading.DEFINITIEF.value] - counts[Heading.ELDERS.value]
        return counts

    def rows_of(self, pupils) -> list[Row]:
        """Rows for these pupils (a page): 6 queries, whatever their number."""
        gemeente_id = self.user.organisation_id
        queryset: QuerySet[Any] = with_applications(
            with_form_state(pupils_visible_to(self.user).filter(pk__in=[p.pk for p in pupils]))
            .select_related("school", "group")
            .annotate(remark_count=Count("gemeente_remarks", filter=Q(gemeente_remarks__gemeente_id=gemeente_id)))
        ).prefetch_related(
            Prefetch(
                "gemeente_cases",
                queryset=cases_visible_to(self.user).order_by("-reported_at", "-pk"),  # the gemeente's own
                to_attr="own_cases",
            )
        )
        by_pk = {p.pk: p for p in queryset}
        rows = []
        for pk in (p.pk for p in pupils):
            pupil = by_pk[pk]
            elders = elders_of(pupil)
            rows.append(
                Row(
                    pupil=pupil,
                    applications=[(a, status_row(a)) for a in aanmeldingen_of(pupil)],
                    elders=elders[-1] if elders else None,
                    destination=expected_destination(pupil),
                    form=icon_for_pupil(pupil),
                    cases=pupil.own_cases,
                    remarks=pupil.remark_count,
                )
            )
        return rows

    def page(self, number: str | None) -> tuple[Page, list[Row]]:
        page = Paginator(self.pupils().only("pk"), PAGE_SIZE).get_page(number)
        return page, self.rows_of(list(page.object_list))

    def all_rows(self) -> list[Row]:
        return self.rows_of(list(self.pupils().only("pk")))

    def link(self, **change: str) -> str:
        values = {
            "jaar": "vorig" if self.former else "",
            "school": str(self.school.pk) if self.school else "",
            "bestemming": self.heading.value if self.heading else (OPEN if self.open_only else ""),
            "kenmerk": self.signal,
            "zoek": self.search_token,
            "sort": self.sort,
            **change,
        }
        return "?" + urlencode({k: v for k, v in values.items() if v})

    @property
    def query_is_bsn(self) -> bool:
        return is_bsn_key(self.query)

    @property
    def shown_query(self) -> str:
        return shown_search(self.query)

    def describe(self) -> list[str]:
        """The choices in words, for the heading of an export."""
        parts = [str(self.school.name) if self.school else str(_("alle scholen"))]
        if self.heading:
            parts.append(self.heading.label)
        elif self.open_only:
            parts.append(str(_("nog geen definitieve bestemming")))
        if self.signal:
            parts.append(str(SIGNALS[self.signal][0]))
        if self.query_is_bsn:
            parts.append(str(_("gezocht op een BSN")))
        elif self.query:
            parts.append(str(_("zoekopdracht “%(query)s”")) % {"query": self.shown_query})
        return parts
