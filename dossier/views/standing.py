"""Doorstroomdossiers: for the school's staff, where the dossier of each pupil in their scope stands (this school
year's pupils, per group), with the filter "Wacht op mij" for a mentor: the dossiers pupils sent to them for part B.
Read-only; a dossier held longer than the reminder limit is highlighted (dossier/standing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.access import VO_ROLES, AuthenticatedRequest, role_required
from accounts.models import Role, User
from audit.models import Action
from audit.services import record_pupils
from students.models import Pupil
from students.schoolyear import current_school_year, label
from students.selectors import groups_visible_to, pupils_visible_to

from ..models import Dossier, DossierState
from ..selectors import dossiers_visible_to
from ..standing import NOT_STARTED, STANDS, Stand, limit_days, not_started, stand_of, waiting_times

PAGE_SIZE = 50
STANDS_ALL = gettext_lazy("Alle leerlingen")
MINE = "mij"  # "Wacht op mij": dossiers at this mentor for part B
DOSSIERS = "listed_dossiers"  # a pupil's dossiers, newest first, read for the page as a plain list


@dataclass(frozen=True)
class Row:
    pupil: Pupil
    stands: list[Stand]

    @property
    def late(self) -> bool:
        return any(stand.late for stand in self.stands)


def _at_me(user: User) -> Q:
    return Q(mentor=user, state=DossierState.BIJ_MENTOR)


def _with_stand(pupils: QuerySet[Pupil], stand: str, user: User) -> QuerySet[Pupil]:
    """The pupils with a dossier in that stand (at least one: a pupil may have several); "niet gestart": none."""
    if stand == NOT_STARTED:
        return pupils.filter(account__dossiers__isnull=True)
    wanted = _at_me(user) if stand == MINE else Q(state=stand)
    return pupils.filter(Exists(Dossier.objects.filter(wanted, account__pupil=OuterRef("pk"))))


def _counts(pupils: QuerySet[Pupil], user: User) -> dict[str, int]:
    """How many pupils each chip holds, in one query."""
    dossier = "account__dossiers__"
    counts: dict[str, Count] = {
        "total": Count("pk", distinct=True),
        NOT_STARTED: Count("pk", filter=Q(account__dossiers__isnull=True), distinct=True),
        **{str(state): Count("pk", filter=Q(**{dossier + "state": state}), distinct=True) for state in DossierState},
    }
    if user.role == Role.MENTOR:
        counts[MINE] = Count(
            "pk", filter=Q(**{dossier + "mentor": user, dossier + "state": DossierState.BIJ_MENTOR}), distinct=True
        )
    return pupils.order_by().aggregate(**counts)


@role_required(VO_ROLES)
@require_http_methods(["GET"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    year = current_school_year()
    groups = list(groups_visible_to(user))
    chosen = request.GET.get("groep", "")
    group = next((g for g in groups if str(g.pk) == chosen), None)
    is_mentor = user.role == Role.MENTOR
    stand = request.GET.get("stand", "")
    if stand not in STANDS and not (is_mentor and stand == MINE):
        stand = ""

    pupils = pupils_visible_to(user).filter(school_year=year)
    if group is not None:
        pupils = pupils.filter(group=group)
    counts = _counts(pupils, user)
    # How long each step takes at this school (or group): what the waiting between people costs.
    waiting = waiting_times(
        dossiers_visible_to(user)
        .filter(account__pupil__in=pupils.values("pk"))
        .values_list("created_at", "sent_to_mentor_at", "returned_at", "akkoord_since", "sent_at")
    )
    if stand:
        pupils = _with_stand(pupils, stand, user)
    pupils = (
        pupils.select_related("group", "school", "account")
        .prefetch_related(
            Prefetch(
                "account__dossiers",
                queryset=Dossier.objects.select_related("mbo_school", "mentor").order_by("-created_at", "-pk"),
                to_attr=DOSSIERS,
            )
        )
        .order_by("sort_achternaam", "sort_voornaam", "pk")
    )
    page = Paginator(pupils, PAGE_SIZE).get_page(request.GET.get("pagina"))
    now, days = timezone.now(), limit_days()
    rows = []
    for pupil in page.object_list:
        account = getattr(pupil, "account", None)
        dossiers = getattr(account, DOSSIERS, []) if account is not None else []
        shown = [stand_of(d, now=now, days=days) for d in dossiers]
        rows.append(Row(pupil, shown or [not_started(has_account=account is not None)]))

    summary = "doorstroomdossiers: stand per leerling"
    summary += f", groep {group.name}" if group else ", alle groepen"
    if stand:
        summary += f", {'wacht op mij' if stand == MINE else STANDS[stand]}"
    if page.paginator.num_pages > 1:
        summary += f", pagina {page.number} van {page.paginator.num_pages}"
    record_pupils(Action.LIST, (row.pupil for row in rows), summary=summary)

    keep = {"groep": str(group.pk) if group else ""}
    chips = [("", STANDS_ALL, counts["total"])] + [(key, text, counts[key]) for key, text in STANDS.items()]
    return render(
        request,
        "dossier/school/standing.html",
        {
            "rows": rows,
            "page": page,
            "page_query": urlencode({k: v for k, v in {**keep, "stand": stand}.items() if v}),
            "groups": groups,
            "group": group,
            "stand": stand,
            "chips": [(key, text, count, _link(keep, key)) for key, text, count in chips],
            "mine": (counts.get(MINE, 0), _link(keep, MINE)) if is_mentor else None,
            "MINE": MINE,
            "days": days,
            "school_year": label(year),
            "waiting": waiting if any(w.count for w in waiting) else None,
        },
    )


def _link(keep: dict[str, str], stand: str) -> str:
    query = urlencode({k: v for k, v in {**keep, "stand": stand}.items() if v})
    return f"?{query}" if query else "?"
