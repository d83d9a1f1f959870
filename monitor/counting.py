"""The monitor's numbers for one user and school year: every figure counted with its own condition
(monitor.figures) in one aggregate per kind of row, so the number of queries does not grow with the number of
pupils, schools or groups.

Each count carries the address of its list (monitor.listing), which applies the same condition.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .calendar import YearCalendar
from .figures import (
    FIGURES,
    HEADING_FIGURES,
    SIGNAL_FIGURES,
    STATUS_FIGURES,
    ZOMERLEK,
    Figure,
    Scope,
    ScopeKind,
    annotate_aanmeldingen,
    annotate_pupils,
    first_days,
)
from .models import aangemeld_norm

AANGEMELD_TOT = "aangemeld_tot"  # the pupils aangemeld on or before ?datum=
NIET_AANGEMELD_TOT = "niet_aangemeld_tot"


def aangemeld_tot(day: datetime.date) -> Q:
    return Q(aangemeld_op__lte=day)


def niet_aangemeld_tot(day: datetime.date) -> Q:
    return Q(aangemeld_op__isnull=True) | Q(aangemeld_op__gt=day)


def list_url(year_param: str, figure: str, **params: Any) -> str:
    query = {"figuur": figure, **({"jaar": year_param} if year_param else {}), **params}
    return f"{reverse('monitor:lijst')}?{urlencode({k: v for k, v in query.items() if v not in ('', None)})}"


@dataclass(frozen=True)
class Tally:
    label: str | Promise
    count: int
    url: str
    explanation: str | Promise = ""
    matters: bool = False  # the list's date in the year has passed: it needs attention now
    since: datetime.date | None = None
    total: int = 0

    @property
    def percentage(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass(frozen=True)
class Dimension:
    """Rows per school (gemeente), per group (vo-school), per opleiding / locatie / vo-school (mbo)."""

    key: str  # the list parameter: school, groep, opleiding, locatie, voschool
    title: str | Promise
    field: str  # the value grouped on, from the rows of this dimension's unit
    name_field: str
    figures: tuple[str, ...]
    unit: str = "pupils"
    none_label: str | Promise = ""
    extra_field: str = ""  # shown after the name: an opleiding's niveau

    def name(self, values: dict[str, Any]) -> str:
        name = values[self.name_field]
        if not name:
            return str(self.none_label)
        if self.extra_field and values.get(self.extra_field):
            return f"{name} ({_('niveau')} {values[self.extra_field]})"
        return str(name)


DIMENSIONS: dict[ScopeKind, tuple[Dimension, ...]] = {
    ScopeKind.GEMEENTE: (
        Dimension(
            "school",
            _("Per school"),
            "school_id",
            "school__name",
            (
                "alle",
                "aangemeld",
                "geen_aanmelding",
                "bestemming_definitief",
                "zonder_bestemming",
                "risico_open",
                "overstap_open",
                "niet_verschenen",
            ),
            none_label=_("Zonder school"),
        ),
    ),
    ScopeKind.SCHOOL: (
        Dimension(
            "groep",
            _("Per groep"),
            "group_id",
            "group__name",
            (
                "alle",
                "aangemeld",
                "geen_aanmelding",
                "formulier_onvolledig",
                "bestemming_definitief",
                "zonder_bestemming",
            ),
            none_label=_("Niet ingedeeld"),
        ),
    ),
    ScopeKind.MBO: tuple(
        Dimension(
            key,
            title,
            grouped,
            name,
            (
                "aanmeldingen",
                "aanmelding_geen_besluit",
                "status_6",
                "aanmelding_afgewezen",
                "status_7",
                "aanmelding_formulier_ontvangen",
            ),
            unit="aanmeldingen",
            none_label=none,
            extra_field=extra,
        )
        for key, title, grouped, name, extra, none in (
            ("opleiding", _("Per opleiding"), "opleiding_id", "opleiding__name", "opleiding__niveau", ""),
            ("locatie", _("Per locatie"), "location_id", "location__name", "", _("Zonder locatie")),
            ("voschool", _("Per vo-school"), "pupil__school_id", "pupil__school__name", "", ""),
        )
    ),
}


@dataclass
class DimensionTable:
    dimension: Dimension
    columns: list[Figure]
    rows: list[tuple[str, list[Tally]]]


@dataclass
class Monitor:
    """Everything the monitor page shows for ``scope`` on ``today``."""

    scope: Scope
    today: datetime.date = field(default_factory=timezone.localdate)

    def __post_init__(self) -> None:
        region = self.scope.user.organisation.region if self.scope.user.organisation_id else ""
        self.calendar = YearCalendar.for_region(region, self.scope.year)
        self.norm = aangemeld_norm(region)
        self.year_param = "" if self.scope.year >= self._current_year else "vorig"

    @property
    def _current_year(self) -> int:
        from students.schoolyear import current_school_year

        return current_school_year()

    @property
    def kind(self) -> ScopeKind:
        return self.scope.kind

    def url(self, figure: str, **params: Any) -> str:
        return list_url(self.year_param, figure, **params)

    # --- pupils -----------------------------------------------------------------------------------------------
    def pupil_figures(self) -> list[Figure]:
        return [f for f in FIGURES.values() if f.unit == "pupils" and self.kind in f.kinds]

    def pupil_counts(self) -> dict[str, int]:
        """Every pupil figure, and aangemeld by the aanmelddatum, in one query."""
        aggregates: dict[str, Any] = {f.key: Count("pk", filter=f.condition) for f in self.pupil_figures()}
        counts = annotate_pupils(self.scope).aggregate(**aggregates)
        if self.kind != ScopeKind.MBO:
            counts[AANGEMELD_TOT] = bisect_right(self.first_days[0], self.deadline_day)
        return counts

    @cached_property
    def first_days(self) -> tuple[list[datetime.date], int]:
        return first_days(self.scope)

    @property
    def deadline_day(self) -> datetime.date:
        """1 April (the region's aanmelddatum), or today while it has not come yet."""
        return min(self.calendar.aangemeld, self.today)

    def tally(self, counts: dict[str, int], key: str, total_key: str = "alle") -> Tally:
        figure = FIGURES[key]
        since = self.calendar.dates.get(figure.after) if figure.after else None
        return Tally(
            label=figure.label,
            count=counts[key],
            url=self.url(key),
            explanation=figure.explanation,
            matters=bool(since and self.today > since),
            since=since,
            total=counts.get(total_key, 0),
        )

    def headings(self, counts: dict[str, int]) -> list[Tally]:
        return [self.tally(counts, f.key) for f in HEADING_FIGURES if self.kind in f.kinds]

    def signals(self, counts: dict[str, int]) -> list[Tally]:
        """The lists of the year; those whose date has passed first (they need attention now)."""
        tallies = [self.tally(counts, f.key) for f in SIGNAL_FIGURES if self.kind in f.kinds]
        return sorted(tallies, key=lambda t: not t.matters)

    def zomerlek(self, counts: dict[str, int]) -> Tally | None:
        if self.kind not in ZOMERLEK.kinds or not self.calendar.zomerlek_season(self.today):
            return None
        return self.tally(counts, ZOMERLEK.key)

    def aangemeld(self, counts: dict[str, int]) -> dict[str, Any]:
        """The share aangemeld by the aanmelddatum against the region's norm."""
        day = self.deadline_day
        total = counts["alle"]
        done = counts[AANGEMELD_TOT]
        percentage = round(100 * done / total, 1) if total else 0.0
        return {
            "day": day,
            "deadline": self.calendar.aangemeld,
            "passed": self.today > self.calendar.aangemeld,
            "count": done,
            "total": total,
            "missing": total - done,
            "percentage": percentage,
            "norm": self.norm,
            "meets": percentage >= self.norm,
            "url": self.url(AANGEMELD_TOT, datum=day.isoformat()),
            "missing_url": self.url(NIET_AANGEMELD_TOT, datum=day.isoformat()),
        }

    # --- aanmeldingen -----------------------------------------------------------------------------------------
    def status_counts(self) -> list[Tally]:
        aggregates = {f.key: Count("pk", filter=f.condition) for f in STATUS_FIGURES}
        aggregates["aanmeldingen"] = Count("pk")
        counts = annotate_aanmeldingen(self.scope).aggregate(**aggregates)
        return [self.tally(counts, f.key, total_key="aanmeldingen") for f in STATUS_FIGURES]

    # --- per school, group, opleiding -------------------------------------------------------------------------
    def tables(self) -> list[DimensionTable]:
        tables = []
        for dimension in DIMENSIONS[self.kind]:
            columns = [FIGURES[key] for key in dimension.figures]
            rows_of = annotate_pupils(self.scope) if dimension.unit == "pupils" else annotate_aanmeldingen(self.scope)
            aggregates = {f.key: Count("pk", filter=f.condition) for f in columns}
            fields = [dimension.field, dimension.name_field] + (
                [dimension.extra_field] if dimension.extra_field else []
            )
            grouped = rows_of.order_by().values(*fields).annotate(**aggregates)
            rows = []
            for values in sorted(grouped, key=lambda v: (v[dimension.name_field] or "~", v[dimension.field] or 0)):
                value = values[dimension.field]
                name = dimension.name(values)
                param = str(value) if value is not None else "geen"
                total_key = columns[0].key
                rows.append(
                    (
                        name,
                        [
                            Tally(
                                label=f.label,
                                count=values[f.key],
                                url=self.url(f.key, **{dimension.key: param}),
                                total=values[total_key],
                            )
                            for f in columns
                        ],
                    )
                )
            tables.append(DimensionTable(dimension=dimension, columns=columns, rows=rows))
        return tables

    # --- the trend --------------------------------------------------------------------------------------------
    def trend(self) -> list[dict[str, Any]]:
        """Per week from October: how many pupils were aangemeld by its end, this year and the year before
        (the same week of that school year), as counts and as a share of all pupils of that year."""
        if self.kind == ScopeKind.MBO:
            return []
        this_year = self.first_days
        earlier = Scope(self.scope.user, self.scope.year - 1)
        last_year = first_days(earlier) if self.scope.year - 1 >= self._current_year - 1 else None
        weeks = self.calendar.weeks(until=self.today)
        if last_year is not None and not last_year[0]:
            last_year = None  # no pupil of that year was aangemeld (or it has none): no line, rather than one at 0
        shift = self.calendar.start - YearCalendar.for_region("", self.scope.year - 1).start
        rows = []
        for end in weeks:
            done = bisect_right(this_year[0], end)
            row: dict[str, Any] = {
                "end": end,
                "count": done,
                "percentage": round(100 * done / this_year[1], 1) if this_year[1] else 0.0,
                "url": self.url(AANGEMELD_TOT, datum=end.isoformat()),
                "before_deadline": end <= self.calendar.aangemeld,
            }
            if last_year is not None:
                then = end - shift
                earlier_done = bisect_right(last_year[0], then)
                row["last_count"] = earlier_done
                row["last_percentage"] = round(100 * earlier_done / last_year[1], 1) if last_year[1] else 0.0
                row["last_end"] = then
                row["last_url"] = list_url("vorig", AANGEMELD_TOT, datum=then.isoformat())
            rows.append(row)
        return rows
