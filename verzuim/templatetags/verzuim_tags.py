"""Verzuim on the pupil's page (students/pupil.html loads it by name; students imports nothing of it)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("verzuim/partials/pupil_panel.html", takes_context=True)
def verzuim_panel(context, pupil, pupil_rights):
    from ..selectors import may_report, meldingen_visible_to

    user = context["request"].user
    return {
        "pupil": pupil,
        "meldingen": list(meldingen_visible_to(user).filter(pupil=pupil).order_by("-created_at")),
        "may_report": may_report(user) and pupil_rights.gemeente_id is None,
        "request": context["request"],
    }
