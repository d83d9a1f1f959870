"""The pupil's account, and where their own doorstroomdossiers stand, on the school's page of the pupil
(students/pupil.html loads it by name; students imports nothing of dossier)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("dossier/partials/pupil_panel.html", takes_context=True)
def leerling_account_panel(context, pupil, pupil_rights):
    from accounts.access import VO_MANAGING_ROLES, VO_ROLES

    from ..models import INVITATION_VALID
    from ..selectors import pupil_accounts_visible_to
    from ..standing import limit_days, stand_of

    user = context["request"].user
    shown = user.role in VO_ROLES and pupil_rights.gemeente_id is None and pupil_rights.mbo_school_id is None
    account = pupil_accounts_visible_to(user).filter(pupil=pupil).first() if shown else None
    dossiers = account.dossiers.select_related("mbo_school", "mentor").order_by("-created_at", "-pk") if account else []
    days = limit_days()
    own_group = pupil.group_id and pupil.school_id == user.organisation_id  # a linked pupil's group is not theirs
    overview = reverse("dossiers:index") + (f"?groep={pupil.group_id}" if own_group else "")
    return {
        "stands": [stand_of(dossier, days=days) for dossier in dossiers],
        "days": days,
        "overview_url": overview,
        "shown": shown,
        "pupil": pupil,
        "account": account,
        "may_invite": shown and pupil_rights.can_edit and pupil.school_id == user.organisation_id,
        "may_remove": shown and user.role in VO_MANAGING_ROLES and pupil.school_id == user.organisation_id,
        "valid_days": INVITATION_VALID.days,
        "request": context["request"],
    }


@register.inclusion_tag("dossier/partials/received_panel.html", takes_context=True)
def received_dossiers_panel(context, pupil):
    """On the mbo-school's page of a pupil's doorstroomformulier (doorstroom/received.html loads it by name:
    doorstroom imports nothing of dossier): the dossiers the pupil sent this school with their akkoordverklaring."""
    from ..selectors import consents_received_for

    user = context["request"].user
    return {"consents": list(consents_received_for(user, pupil).order_by("-given_at", "-pk"))}
