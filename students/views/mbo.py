"""Aanmeldingen for the ROC-gebruiker: the pupils who applied to their mbo-school, their aanmeldingen there with
the status, and whether the vo-school has sent the doorstroomformulier (opened on doorstroom's pages)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.views.generic import TemplateView

from accounts.access import MBO_ROLES, RoleRequiredMixin
from accounts.models import User
from accounts.privacy import params_with_search
from audit.models import Action
from audit.services import record_pupils

from ..destination import AANMELDINGEN, aanmeldingen_of, history_prefetch, status_row
from ..models import Pupil, Status
from ..schoolyear import current_school_year, label
from ..search import is_bsn_key, search_pupils, shown_search
from ..selectors import aanmeldingen_visible_to, pupils_visible_to
from .searching import SearchInSessionMixin

FORM_FILTERS = {"ontvangen", "niet"}
PAGE_SIZE = 100  # a large mbo-school has thousands of applicants
# Through the lazy relation to doorstroom's forms (students does not import doorstroom).
DELIVERIES = "doorstroomformulieren__snapshot__deliveries"


class MboApplicationsView(SearchInSessionMixin, RoleRequiredMixin, TemplateView):
    roles = MBO_ROLES
    template_name = "students/aanmeldingen.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = cast(User, self.request.user)
        params = params_with_search(self.request, self.request.GET)
        year = current_school_year() - (1 if params.get("jaar") == "vorig" else 0)
        query = params.get("q", "").strip()[:100]
        form_filter = params.get("formulier", "") if params.get("formulier") in FORM_FILTERS else ""
        at_school = {f"{DELIVERIES}__mbo_school_id": user.organisation_id}
        pupils: QuerySet = (
            pupils_visible_to(user)
            .filter(school_year=year)
            .select_related("school")
            .prefetch_related(
                Prefetch(
                    "aanmeldingen",
                    # Of the school's applicants, only the aanmeldingen at this school (the rule's own filter).
                    queryset=aanmeldingen_visible_to(user)
                    .select_related("opleiding", "location", "mbo_school")
                    .prefetch_related(history_prefetch()),
                    to_attr=AANMELDINGEN,  # plain lists (students.destination)
                )
            )
            .order_by("sort_achternaam", "sort_voornaam", "pk")
        )
        if query:
            pupils = search_pupils(pupils, query)
        if form_filter:
            # A yes/no per pupil (an index look-up), not the count: the counts are made for one page only.
            received = Exists(Pupil.objects.filter(pk=OuterRef("pk"), **at_school))
            pupils = pupils.filter(received if form_filter == "ontvangen" else ~received)
        # First the page of plain pupils, then the received forms of that page only: counting them for every
        # applicant before taking the page grows with the school (thousands of applicants).
        page = Paginator(pupils, PAGE_SIZE).get_page(params.get("pagina"))
        shown = list(page.object_list)
        received_forms = {
            pk: (at, count)
            for pk, at, count in pupils_visible_to(user)
            .filter(pk__in=[p.pk for p in shown])
            .values("pk")
            .annotate(
                at=Max(f"{DELIVERIES}__delivered_at", filter=Q(**at_school)),
                count=Count(DELIVERIES, filter=Q(**at_school), distinct=True),
            )
            .values_list("pk", "at", "count")
        }
        for pupil in shown:
            pupil.form_received_at, pupil.forms_received = received_forms.get(pupil.pk, (None, 0))
        rows = [(p, [(a, status_row(a)) for a in aanmeldingen_of(p)]) for p in shown]
        record_pupils(
            Action.LIST,
            [p for p, _a in rows],
            summary=f"aanmeldingen bij de mbo-school, schooljaar {label(year)}"
            + (", met zoekopdracht" if query else ""),
        )
        keep = {
            k: v
            for k, v in (("zoek", params.get("zoek", "")), ("formulier", form_filter), ("jaar", params.get("jaar", "")))
            if v
        }
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "page": page,
            "page_query": urlencode(keep),
            "query": query,
            "query_is_bsn": is_bsn_key(query),
            "shown_query": shown_search(query),
            "form_filter": form_filter,
            "former": params.get("jaar") == "vorig",
            "school_year": label(year),
            "statuses": list(Status),
        }
