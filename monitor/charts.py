"""The monitor's charts, drawn on the server as SVG (no script, no library, nothing from elsewhere).

Each chart is an image with a title and a description for screen readers; the numbers themselves, with their
links, are in the table beside it (the chart draws the same Tally objects the table shows).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 480  # the line chart
BAR_WIDTH = 360  # bar charts: narrow, so that their text stays readable when a phone scales them down
ROW = 38  # a label line above each bar
BAR = 15
COLOURS = ["#1f5f8b", "#2e7d32", "#6a1b9a", "#ad5f00", "#b3261e", "#00695c", "#4e342e"]


def _frame(title: str, description: str, height: int, body: SafeString, ident: str, width: int = WIDTH) -> SafeString:
    return format_html(
        '<svg class="voroc-chart voroc-chart-{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        "bars" if width == BAR_WIDTH else "line",
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        description,
        body,
    )


def bar_chart(
    ident: str, title: str, bars: Sequence[tuple[str, int]], *, suffix: str = "", norm: float | None = None
) -> SafeString:
    """Horizontal bars, one per (label, value), the label above its bar so that it fits on a phone."""
    top = max([v for _l, v in bars] + [norm or 0, 1])
    usable = BAR_WIDTH - 60
    parts = []
    for number, (label, value) in enumerate(bars):
        y = number * ROW
        length = round(usable * value / top, 1) if value else 0
        parts.append(
            format_html(
                '<text x="0" y="{}" class="voroc-chart-label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" fill="{}"></rect>'
                '<text x="{}" y="{}" class="voroc-chart-value">{}{}</text>',
                y + 13,
                label,
                y + 18,
                max(length, 1.5),
                BAR,
                COLOURS[number % len(COLOURS)] if not suffix else COLOURS[0],
                length + 5,
                y + 30,
                value,
                suffix,
            )
        )
    height = max(len(bars) * ROW, ROW)
    if norm is not None:
        x = round(usable * norm / top, 1)
        parts.append(
            format_html(
                '<line x1="{}" y1="0" x2="{}" y2="{}" class="voroc-chart-norm"></line>',
                x,
                x,
                height,
            )
        )
    lines = "; ".join(f"{label}: {value}{suffix}" for label, value in bars)
    return _frame(title, lines, height + 4, format_html_join("", "{}", ((p,) for p in parts)), ident, BAR_WIDTH)


def line_chart(
    ident: str,
    title: str,
    weeks: Sequence[dict[str, Any]],
    *,
    norm: float,
    deadline: datetime.date,
) -> SafeString:
    """The share aangemeld per week (0–100 %), this year against last year, with the norm and the aanmelddatum."""
    height, left, bottom, top_margin = 240, 36, 24, 8
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top_margin
    count = max(len(weeks), 2)

    def x(i: float) -> float:
        return round(left + plot_w * i / (count - 1), 1)

    def y(percentage: float) -> float:
        return round(top_margin + plot_h * (1 - percentage / 100), 1)

    parts = []
    for level in (0, 25, 50, 75, 100):
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="voroc-chart-grid"></line>'
                '<text x="{}" y="{}" class="voroc-chart-axis" text-anchor="end">{}%</text>',
                left,
                y(level),
                WIDTH - 8,
                y(level),
                left - 4,
                y(level) + 4,
                level,
            )
        )
    month = None
    for i, week in enumerate(weeks):
        if week["end"].month != month:
            month = week["end"].month
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="voroc-chart-axis">{}</text>',
                    x(i),
                    height - 6,
                    date_format(week["end"], "M"),
                )
            )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="voroc-chart-norm"></line>',
            left,
            y(norm),
            WIDTH - 8,
            y(norm),
        )
    )
    deadline_index = next((i for i, w in enumerate(weeks) if w["end"] >= deadline), None)
    if deadline_index is not None:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="voroc-chart-deadline"></line>',
                x(deadline_index),
                top_margin,
                x(deadline_index),
                height - bottom,
            )
        )
    if weeks and "last_percentage" in weeks[0]:
        points = " ".join(f"{x(i)},{y(w['last_percentage'])}" for i, w in enumerate(weeks))
        parts.append(format_html('<polyline points="{}" class="voroc-chart-line-last"></polyline>', points))
    points = " ".join(f"{x(i)},{y(w['percentage'])}" for i, w in enumerate(weeks))
    parts.append(format_html('<polyline points="{}" class="voroc-chart-line"></polyline>', points))
    if weeks:
        last = weeks[-1]
        summary = _("%(day)s: %(percentage)s%% aangemeld") % {
            "day": date_format(last["end"], "j F Y"),
            "percentage": last["percentage"],
        }
        if "last_percentage" in last:
            summary += " " + _("(vorig schooljaar in dezelfde week: %(percentage)s%%)") % {
                "percentage": last["last_percentage"]
            }
    else:
        summary = ""
    return _frame(title, summary, height, format_html_join("", "{}", ((p,) for p in parts)), ident)
