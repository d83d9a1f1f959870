"""Leerling overzicht: the pupils of a chosen group (or all groups) of this school year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from urllib.parse import quote, urlencode

from django.db.models import F, QuerySet
from django.views.generic import TemplateView

from accounts.access import VO_ROLES, RoleRequiredMixin
from accounts.models import Role, User

from ..models import Pupil
from ..models.pupil import fold
from ..schoolyear import current_school_year, label
from ..selectors import MANAGING_ROLES, groups_visible_to, pupils_visible_to, rights_for

ALL_GROUPS = "alle"
NO_GROUP = "geen"
SORTS = {
    "naam": [F("achternaam").asc(), F("voornaam").asc(), F("pk").asc()],
    "-naam": [F("achternaam").desc(), F("voornaam").desc(), F("pk").desc()],
    "groep": [F("group__name").asc(nulls_last=True), F("achternaam").asc(), F("voornaam").asc(), F("pk").asc()],
    "-groep": [F("group__name").desc(nulls_last=True), F("achternaam").asc(), F("voornaam").asc(), F("pk").asc()],
}


@dataclass(frozen=True)
class Row:
    pupil: Pupil
    can_edit: bool
    can_delete: bool


def search(pupils: QuerySet[Pupil], text: str) -> QuerySet[Pupil]:
    """Every word must occur in the name, accents and case aside: "daniel ozturk" and "Öztürk, Daniël" match."""
    for word in fold(text).split()[:5]:
        pupils = pupils.filter(search_name__contains=word)
    return pupils


class OverviewView(RoleRequiredMixin, TemplateView):
    roles = VO_ROLES
    template_name = "students/overview.html"

    def get_context_data(self, **kwargs):
        user = cast(User, self.request.user)  # RoleRequiredMixin let only logged-in users in
        groups = list(groups_visible_to(user))  # query: the groups for the selector
        params = self.request.GET
        choice = params.get("groep", "")
        if not choice:
            # A mentor with one group sees it at once (handleiding); everyone else starts with all groups.
            choice = str(groups[0].pk) if user.role == Role.MENTOR and len(groups) == 1 else ALL_GROUPS
        selected_group = next((g for g in groups if str(g.pk) == choice), None)
        if choice not in (ALL_GROUPS, NO_GROUP) and selected_group is None:
            choice = ALL_GROUPS  # a group that is gone, or not the user's: show all rather than an error

        year = current_school_year()
        pupils = pupils_visible_to(user).filter(school_year=year).select_related("group")
        if selected_group is not None:
            pupils = pupils.filter(group=selected_group)
        elif choice == NO_GROUP:
            pupils = pupils.filter(group__isnull=True)
        query = params.get("q", "").strip()[:100]
        if query:
            pupils = search(pupils, query)
        sort = params.get("sort", "naam")
        if sort not in SORTS:
            sort = "naam"
        pupils = pupils.order_by(*SORTS[sort])

        def link(**change: str) -> str:
            values = {"groep": choice, "q": query, "sort": sort, **change}
            return "?" + urlencode({k: v for k, v in values.items() if v})

        rows = []
        for pupil in pupils:
            rights = rights_for(user, pupil)
            rows.append(Row(pupil, rights.can_edit, rights.can_delete))  # query: the pupils with their group
        return {
            **super().get_context_data(**kwargs),
            "groups": groups,
            "choice": choice,
            "selected_group": selected_group,
            "ALL_GROUPS": ALL_GROUPS,
            "NO_GROUP": NO_GROUP,
            "query": query,
            "sort": sort,
            "rows": rows,
            "here": quote(self.request.get_full_path(), safe=""),
            "sort_links": {
                "naam": link(sort="-naam" if sort == "naam" else "naam"),
                "groep": link(sort="-groep" if sort == "groep" else "groep"),
            },
            "school_year": label(year),
            "can_add": user.role in MANAGING_ROLES,
            "show_no_group": user.role != Role.MENTOR,
        }
