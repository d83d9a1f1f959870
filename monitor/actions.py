"""Actielijst: for each role, the pupils who need action now given the date in the year, each line with why.

The rules are data, one file per region in monitor/rules/ (documented at the top of haaglanden.toml, the default);
their dates are the region's own (notifications.Deadline). A rule is evaluated for this school year and for the
previous one, so that in the autumn last year's leavers without a place stay on the list until 1 October.
Each rule takes its pupils from a list of the monitor (monitor.figures): one query per rule that applies today.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import ngettext

from students.schoolyear import current_school_year, label

from .calendar import YearCalendar
from .counting import list_url
from .figures import FIGURES, Scope, ScopeKind

RULES_DIR = Path(__file__).resolve().parent / "rules"
DEFAULT_REGION = "haaglanden"
SHOWN_PER_RULE = 50
ANCHOR = re.compile(r"^(start|formulieren|aangemeld|terugkoppeling|diploma|bestemming|einde|oktober)([+-]\d{1,3})?$")
FOR = {"school": ScopeKind.SCHOOL, "gemeente": ScopeKind.GEMEENTE, "mbo": ScopeKind.MBO}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[ScopeKind]
    figure: str
    start: str
    until: str
    reason: str
    date: str = ""  # the date {datum} names; by default "until"


def _anchor(calendar: YearCalendar, text: str) -> datetime.date:
    match = ANCHOR.match(text)
    if not match:
        raise RuleError(f"onbekende datum {text!r}")
    name, offset = match.group(1), int(match.group(2) or 0)
    base = {
        "start": calendar.start,
        "einde": calendar.end,
        "oktober": calendar.first_october_after,
        "formulieren": calendar.dates["formulieren"],
        "aangemeld": calendar.aangemeld,
        "terugkoppeling": calendar.terugkoppeling,
        "diploma": calendar.exams,
        "bestemming": calendar.dates["bestemming"],
    }[name]
    return base + datetime.timedelta(days=offset)


@cache
def rules_for(region: str) -> tuple[Rule, ...]:
    """The region's rules (monitor/rules/<region>.toml), else the default's; checked when read."""
    slug = re.sub(r"[^a-z0-9]+", "-", region.lower()).strip("-")
    path = RULES_DIR / f"{slug}.toml"
    if not slug or not path.exists():
        path = RULES_DIR / f"{DEFAULT_REGION}.toml"
    return load_rules(path)


def load_rules(path: Path) -> tuple[Rule, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for number, raw in enumerate(data.get("rule", []), start=1):
        try:
            kinds = frozenset(FOR[k] for k in raw["for"])
            rule = Rule(kinds, raw["figure"], raw["from"], raw["until"], raw["reason"], raw.get("date", ""))
        except KeyError as error:
            raise RuleError(f"{path.name}, regel {number}: {error} ontbreekt of is onbekend") from None
        figure = FIGURES.get(rule.figure)
        if figure is None or not kinds <= figure.kinds:
            raise RuleError(f"{path.name}, regel {number}: lijst {rule.figure!r} bestaat niet voor {raw['for']}")
        for text in (rule.start, rule.until, rule.date or rule.until):
            if not ANCHOR.match(text):
                raise RuleError(f"{path.name}, regel {number}: onbekende datum {text!r}")
        rules.append(rule)
    return tuple(rules)


def _span(days: int) -> str:
    if days >= 14:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weken", weeks) % {"n": weeks}
    return ngettext("%(n)d dag", "%(n)d dagen", days) % {"n": days}


@dataclass
class Section:
    rule: Rule
    reason: str
    year: int
    rows: list[Any]
    count: int
    url: str
    unit: str

    @property
    def year_label(self) -> str:
        return label(self.year)


def action_sections(user, today: datetime.date) -> list[Section]:
    """The rules that apply to ``user`` today, each with its pupils (at most SHOWN_PER_RULE shown)."""
    from .figures import annotate_aanmeldingen, annotate_pupils, kind_of

    kind = kind_of(user)
    region = user.organisation.region if user.organisation_id else ""
    current = current_school_year()
    sections = []
    for year in (current, current - 1):
        calendar = YearCalendar.for_region(region, year)
        scope = Scope(user, year)
        for rule in rules_for(region):
            if kind not in rule.kinds or not _anchor(calendar, rule.start) <= today <= _anchor(calendar, rule.until):
                continue
            figure = FIGURES[rule.figure]
            named = _anchor(calendar, rule.date or rule.until)
            reason = rule.reason.format(
                datum=date_format(named, "j F Y"),
                nog=_span(max((named - today).days, 0)),
                sinds=_span(max((today - named).days, 0)),
            )
            if figure.unit == "pupils":
                rows: Any = annotate_pupils(scope).filter(figure.condition).select_related("school", "group")
                rows = rows.order_by("sort_achternaam", "sort_voornaam", "pk")
            else:
                rows = annotate_aanmeldingen(scope).filter(figure.condition)
                rows = rows.select_related("pupil", "pupil__school", "opleiding", "location")
                rows = rows.order_by("pupil__sort_achternaam", "pupil__sort_voornaam", "pk")
            shown = list(rows[: SHOWN_PER_RULE + 1])
            count = len(shown) if len(shown) <= SHOWN_PER_RULE else rows.count()
            if not count:
                continue
            sections.append(
                Section(
                    rule=rule,
                    reason=reason,
                    year=year,
                    rows=shown[:SHOWN_PER_RULE],
                    count=count,
                    url=list_url("" if year == current else "vorig", rule.figure),
                    unit=figure.unit,
                )
            )
    return sections
