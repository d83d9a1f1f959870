"""Monitor: where the user's pupils stand, as numbers, charts and the lists that matter at this date."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.access import RoleRequiredMixin
from accounts.models import User
from students.schoolyear import current_school_year, label

from ..charts import bar_chart, line_chart
from ..counting import Monitor
from ..figures import MONITOR_ROLES, Scope, ScopeKind


class MonitorView(RoleRequiredMixin, TemplateView):
    roles = MONITOR_ROLES
    template_name = "monitor/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)
        former = self.request.GET.get("jaar") == "vorig"
        year = current_school_year() - (1 if former else 0)
        monitor = Monitor(Scope(user, year))
        context = {
            **super().get_context_data(**kwargs),
            "monitor": monitor,
            "kind": monitor.kind.value,
            "former": former,
            "school_year": label(year),
            "other_year": label(year + 1 if former else year - 1),
            "statuses": monitor.status_counts(),
            "tables": monitor.tables(),
        }
        context["status_chart"] = bar_chart(
            "chart-status",
            _("Aanmeldingen per status"),
            [(str(t.label), t.count) for t in context["statuses"]],
        )
        if monitor.kind != ScopeKind.MBO:
            counts = monitor.pupil_counts()
            headings = monitor.headings(counts)
            trend = monitor.trend()
            aangemeld = monitor.aangemeld(counts)
            context.update(
                counts=counts,
                total_url=monitor.url("alle"),
                headings=headings,
                signals=monitor.signals(counts),
                zomerlek=monitor.zomerlek(counts),
                aangemeld=aangemeld,
                trend=trend,
                heading_chart=bar_chart(
                    "chart-bestemming",
                    _("Verwachte bestemming"),
                    [(str(t.label), t.count) for t in headings],
                ),
                trend_chart=line_chart(
                    "chart-trend",
                    _("Aangemeld per week, in procenten van alle leerlingen"),
                    trend,
                    norm=aangemeld["norm"],
                    deadline=monitor.calendar.aangemeld,
                )
                if trend
                else "",
            )
            table = context["tables"][0] if context["tables"] else None
            if table and table.rows:
                context["table_chart"] = bar_chart(
                    "chart-per",
                    _("Aangemeld, in procenten, %(per)s") % {"per": str(table.dimension.title).lower()},
                    [(name, tallies[1].percentage) for name, tallies in table.rows],
                    suffix="%",
                    norm=aangemeld["norm"],
                )
        else:
            counts = monitor.pupil_counts()
            context.update(counts=counts, signals=monitor.signals(counts), headings=monitor.headings(counts))
        return context
