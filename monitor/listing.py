"""The list behind a count of the monitor (?figuur=…, narrowed by ?school=, ?groep=, ?opleiding=, ?locatie=,
?voschool= and, for the trend, ?datum=): the same condition on the same scope as the count (monitor.figures), so
the list is exactly as long as the number that opened it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from students.destination import HEADING_LABELS, Heading
from students.schoolyear import current_school_year

from .counting import AANGEMELD_TOT, NIET_AANGEMELD_TOT, aangemeld_tot, niet_aangemeld_tot
from .figures import Figure, Scope, annotate_aanmeldingen, annotate_pupils, figure_for, with_aangemeld_op

PAGE_SIZE = 100
# list parameter → (the field it narrows, for pupils / for aanmeldingen, and its name for the heading)
NARROWING: dict[str, tuple[str, str, str]] = {
    "school": ("school_id", "pupil__school_id", "school__name"),
    "groep": ("group_id", "pupil__group_id", "group__name"),
    "opleiding": ("", "opleiding_id", "opleiding__name"),
    "locatie": ("", "location_id", "location__name"),
    "voschool": ("school_id", "pupil__school_id", "school__name"),
}
PUPIL_ORDER = [F("sort_achternaam").asc(), F("sort_voornaam").asc(), F("pk").asc()]
AANMELDING_ORDER = [F("pupil__sort_achternaam").asc(), F("pupil__sort_voornaam").asc(), F("pk").asc()]


class UnknownList(Exception):
    """The address names no list of this user's monitor (404)."""


@dataclass
class MonitorList:
    user: User
    params: dict[str, str]
    scope: Scope = field(init=False)
    figure: Figure = field(init=False)
    day: datetime.date | None = field(init=False, default=None)
    narrowing: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        former = self.params.get("jaar") == "vorig"
        self.scope = Scope(self.user, current_school_year() - (1 if former else 0))
        key = self.params.get("figuur", "")
        if key in (AANGEMELD_TOT, NIET_AANGEMELD_TOT):
            try:
                self.day = datetime.date.fromisoformat(self.params.get("datum", ""))
            except ValueError:
                raise UnknownList from None
            condition = aangemeld_tot(self.day) if key == AANGEMELD_TOT else niet_aangemeld_tot(self.day)
            label = _("Aangemeld op of vóór %(day)s") if key == AANGEMELD_TOT else _("Niet aangemeld op %(day)s")
            self.figure = Figure(key, label % {"day": date_format(self.day, "j F Y")}, condition)
        else:
            figure = figure_for(key, self.scope.kind)
            if figure is None:
                raise UnknownList
            self.figure = figure
        for name in NARROWING:
            value = self.params.get(name, "")
            if value == "geen" or (value.isdigit() and len(value) < 19):
                self.narrowing[name] = value
            elif value:
                raise UnknownList

    @property
    def unit(self) -> str:
        return self.figure.unit

    def rows(self) -> QuerySet[Any]:
        """The pupils (or aanmeldingen) of the list, in name order."""
        if self.unit == "pupils":
            rows: QuerySet[Any] = with_aangemeld_op(self.scope, annotate_pupils(self.scope)).filter(
                self.figure.condition
            )
            position = 0
            order = PUPIL_ORDER
        else:
            rows = annotate_aanmeldingen(self.scope).filter(self.figure.condition)
            position = 1
            order = AANMELDING_ORDER
        for name, value in self.narrowing.items():
            field_name = NARROWING[name][position]
            if not field_name:
                raise UnknownList  # e.g. a pupil list per opleiding: there is none
            lookup: dict[str, Any] = {f"{field_name}__isnull": True} if value == "geen" else {field_name: int(value)}
            rows = rows.filter(**lookup)
        return rows.order_by(*order)

    def with_details(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.unit == "pupils":
            return rows.select_related("school", "group")
        return rows.select_related("pupil", "pupil__school", "pupil__group", "opleiding", "location", "mbo_school")

    def page(self, number: str | None) -> Page:
        page = Paginator(self.with_details(self.rows()), PAGE_SIZE).get_page(number)
        return page

    def all_rows(self) -> list[Any]:
        return list(self.with_details(self.rows()))

    @staticmethod
    def heading_label(value: str) -> str | Promise:
        return HEADING_LABELS.get(Heading(value), "") if value else ""

    def narrowed_names(self) -> list[str]:
        """The names of the school, group, opleiding … the list is narrowed to (one query at most)."""
        if not self.narrowing:
            return []
        names = []
        source = annotate_pupils(self.scope) if self.unit == "pupils" else annotate_aanmeldingen(self.scope)
        position = 0 if self.unit == "pupils" else 1
        lookups = {}
        for name, value in self.narrowing.items():
            if value == "geen":
                names.append(_("zonder %(what)s") % {"what": _(name)})
                continue
            lookups[name] = (NARROWING[name][position], int(value))
        if lookups:
            condition = Q(**{f: v for f, v in lookups.values()})
            prefix = "" if self.unit == "pupils" else "pupil__"
            name_fields = [
                (prefix + NARROWING[n][2]) if n in ("school", "groep", "voschool") else NARROWING[n][2] for n in lookups
            ]
            found = source.filter(condition).values_list(*name_fields).first()
            names += [str(n) for n in (found or []) if n]
        return names

    def describe(self) -> list[str]:
        """The list in words: for the page's heading and the export's header."""
        return [str(self.figure.label), *self.narrowed_names()]

    def link(self, **change: str) -> str:
        values = {
            "jaar": self.params.get("jaar", "") if self.params.get("jaar") == "vorig" else "",
            "figuur": self.figure.key,
            "datum": self.day.isoformat() if self.day else "",
            **self.narrowing,
            **change,
        }
        return "?" + urlencode({k: v for k, v in values.items() if v})
