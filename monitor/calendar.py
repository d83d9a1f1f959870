"""The procedure's year as the monitor reads it: the region's dates (notifications.Deadline, editable in admin)
placed in a school year, and the weeks of that year for the trend.

A region without its own dates uses the Haaglanden procedure's (voroc-procedure-haaglanden): forms complete on
1 February, everybody aangemeld on 1 April, the mbo's feedback on 1 June, the exam results mid-June, the remaining
pupils under Elders at the end of June. Mid-summer the school year turns (students.schoolyear): 1 October of the
next school year is the date by which a pupil must have started somewhere (the zomerlek).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from notifications.models import Deadline, DeadlineCheck
from students.schoolyear import FIRST_MONTH

# (month, day) per deadline rule when a region has none in the table.
DEFAULT_DATES: dict[str, tuple[int, int]] = {
    DeadlineCheck.FORMULIEREN: (2, 1),
    DeadlineCheck.AANGEMELD: (4, 1),
    DeadlineCheck.TERUGKOPPELING: (6, 1),
    DeadlineCheck.DIPLOMA: (6, 14),
    DeadlineCheck.BESTEMMING: (6, 26),
}
# The trend runs from the start of October (the system opens: procedure, "oktober") to the end of July.
TREND_START = (10, 1)


def in_school_year(year: int, month: int, day: int) -> datetime.date:
    """1 April of school year 2026 (2026-2027) is 1 April 2027; 1 October is 1 October 2026."""
    return datetime.date(year if month >= FIRST_MONTH else year + 1, month, day)


@dataclass(frozen=True)
class YearCalendar:
    """The dates of one region in one school year."""

    year: int
    dates: dict[str, datetime.date]

    @classmethod
    def for_region(cls, region: str, year: int) -> YearCalendar:
        # query: the region's active dates (at most five rows)
        own = {d.rule: (d.month, d.day) for d in Deadline.objects.filter(region=region, active=True)}
        chosen = {rule: own.get(rule, default) for rule, default in DEFAULT_DATES.items()}
        return cls(year=year, dates={rule: in_school_year(year, *md) for rule, md in chosen.items()})

    @property
    def aangemeld(self) -> datetime.date:
        return self.dates[DeadlineCheck.AANGEMELD]

    @property
    def terugkoppeling(self) -> datetime.date:
        return self.dates[DeadlineCheck.TERUGKOPPELING]

    @property
    def exams(self) -> datetime.date:
        """The exam results: from this day on, "diploma" and "zonder schoolbestemming" mean something."""
        return self.dates[DeadlineCheck.DIPLOMA]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, FIRST_MONTH, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year + 1, FIRST_MONTH, 1) - datetime.timedelta(days=1)

    @property
    def first_october_after(self) -> datetime.date:
        """The zomerlek's horizon: a pupil must have started somewhere by 1 October after the school year."""
        return datetime.date(self.year + 1, 10, 1)

    def zomerlek_season(self, today: datetime.date) -> bool:
        """June to October after the exams: the months in which a pupil can fall between two schools."""
        return datetime.date(self.year + 1, 6, 1) <= today <= self.first_october_after + datetime.timedelta(days=30)

    def weeks(self, until: datetime.date | None = None) -> list[datetime.date]:
        """The Sundays (the last day of each week) from October to the end of the school year, or to ``until``."""
        day = in_school_year(self.year, *TREND_START)
        day += datetime.timedelta(days=(6 - day.weekday()))
        last = min(self.end, until) if until else self.end
        weeks = []
        while day <= last + datetime.timedelta(days=6):
            weeks.append(day)
            day += datetime.timedelta(days=7)
        return weeks
