"""Leerling overzicht (this school year) and Oud leerlingen (last school year, followed one more year)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from django.views.generic import TemplateView

from accounts.access import VO_ROLES, RoleRequiredMixin
from accounts.models import Role, User
from accounts.privacy import params_with_search
from audit.models import Action
from audit.services import record_pupils

from ..destination import Heading
from ..formstate import FORM_FILTERS, ICONS
from ..listing import ALL_GROUPS, GEMEENTE_FILTERS, LINKED, NO_GROUP, SETTLED, PupilListing
from ..models import Status
from ..schoolyear import current_school_year, label
from ..selectors import EDITING_ROLES, MANAGING_ROLES
from .searching import SearchInSessionMixin


class OverviewView(SearchInSessionMixin, RoleRequiredMixin, TemplateView):
    roles = VO_ROLES
    template_name = "students/overview.html"
    former = False  # Oud leerlingen: last year's pupils

    def year(self) -> int:
        return current_school_year() - (1 if self.former else 0)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)  # RoleRequiredMixin let only logged-in users in
        year = self.year()
        listing = PupilListing(user=user, year=year, params=params_with_search(self.request, self.request.GET))
        page, rows, counts = listing.page(self.request.GET.get("pagina"))
        # What the user was shown: the pupils of this page (the print view and the exports record theirs).
        summary = listing.audit_summary(self.request)
        if page.paginator.num_pages > 1:
            summary += f", pagina {page.number} van {page.paginator.num_pages}"
        record_pupils(Action.LIST, (row.pupil for row in rows), summary=summary)
        sort = listing.sort
        return {
            **super().get_context_data(**kwargs),
            "listing": listing,
            "former": self.former,
            "groups": listing.groups,
            "choice": listing.choice,
            "selected_group": listing.selected_group,
            "ALL_GROUPS": ALL_GROUPS,
            "NO_GROUP": NO_GROUP,
            "LINKED": LINKED,
            "query": listing.query,
            "query_is_bsn": listing.query_is_bsn,
            "shown_query": listing.shown_query,
            "sort": sort,
            "rows": rows,
            "page": page,
            "total": sum(counts.values()),
            "headings": [(h, counts.get(h, 0)) for h in Heading],
            "open_count": sum(n for h, n in counts.items() if h not in SETTLED),
            "heading": listing.heading,
            "statuses": list(Status),
            "here": quote(self.request.get_full_path(), safe=""),
            "export_query": listing.link()[1:],
            "sort_links": {
                "naam": listing.link(sort="-naam" if sort == "naam" else "naam"),
                "groep": listing.link(sort="-groep" if sort == "groep" else "groep"),
            },
            "school_year": label(year),
            "can_add": user.role in MANAGING_ROLES and not self.former,
            "can_edit_pupils": user.role in EDITING_ROLES,
            "show_no_group": user.role != Role.MENTOR,
            "form_filters": list(FORM_FILTERS.items()),
            "gemeente_filters": list(GEMEENTE_FILTERS.items()),
            "form_icons": [(key, icon, short) for key, (icon, _label, short) in ICONS.items()],
            # Downloaden van alle doorstroomformulieren: with "alle groepen" (handleiding), or those of the group.
            "show_bundle": not self.former and (listing.choice == ALL_GROUPS or listing.selected_group is not None),
        }


class FormerPupilsView(OverviewView):
    former = True
