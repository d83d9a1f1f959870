"""The gemeente's part of the pupil's page (students/pupil.html loads it by name; students imports nothing of it)
and the De Overstap icon in the school's overview."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("gemeente/partials/pupil_panel.html", takes_context=True)
def gemeente_panel(context, pupil, pupil_rights):
    from accounts.models import Role

    from ..selectors import cases_visible_to, remarks_visible_to, with_history
    from ..views.report import OVERSTAP_ROLES, RISK_ROLES

    user = context["request"].user
    is_gemeente = pupil_rights.gemeente_id is not None
    remarks = list(remarks_visible_to(user).filter(pupil=pupil).select_related("gemeente"))
    return {
        "pupil": pupil,
        "is_gemeente": is_gemeente,
        "remarks": remarks,
        "editable": [r for r in remarks if r.may_edit(user)],
        "cases": list(with_history(cases_visible_to(user).filter(pupil=pupil))),
        "can_remark": is_gemeente,
        "can_overstap": user.role in OVERSTAP_ROLES and not is_gemeente,
        "can_risico": user.role in RISK_ROLES and not is_gemeente,
        "is_school": user.role != Role.GEMEENTE,
        "user": user,
        "request": context["request"],
    }
