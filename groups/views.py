"""Tab Groepen: make, rename and delete groups, place "niet ingedeelde" pupils, link mentors to groups.

Every change is made by one form with its own "Opslaan" (or "Ja, verwijderen"); closing a pop-up or
leaving the page without saving changes nothing.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import versions
from accounts.access import VO_MANAGING_ROLES, AuthenticatedRequest, role_required
from accounts.models import Role, User
from accounts.once import done_message
from accounts.views.modals import go_to, modal_or_page
from audit.models import Action
from audit.services import record_pupils
from students.models import Pupil
from students.schoolyear import current_school_year
from students.selectors import pupils_visible_to

from .forms import GroupNameForm, MembersForm, MentorLinksForm
from .models import Group, MentorGrant
from .services import create_group, delete_group, rename_group, set_group_members, set_mentor_links


def _index_url(group: Group | None = None) -> str:
    url = reverse("groups:index")
    return f"{url}?groep={group.pk}" if group else url


def _school_group(request: AuthenticatedRequest, pk: int) -> Group:
    group = Group.objects.filter(school=request.user.organisation, pk=pk).first()
    if group is None:
        raise Http404
    return group


def _placeable(request: AuthenticatedRequest, group: Group) -> QuerySet[Pupil]:
    """The pupils shown when placing: this year's pupils of the school in the group or in no group."""
    return (
        pupils_visible_to(request.user)
        .filter(school=group.school, school_year=current_school_year())
        .filter(Q(group=group) | Q(group__isnull=True))
        .order_by("sort_achternaam", "sort_voornaam", "pk")
    )


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    school = request.user.organisation
    year = current_school_year()
    groups = list(
        Group.objects.filter(school=school)
        .annotate(size=Count("pupils", filter=Q(pupils__school_year=year)))
        .prefetch_related(
            Prefetch("mentor_grants", queryset=MentorGrant.objects.select_related("user").order_by("user__achternaam"))
        )
        .order_by("name", "pk")  # Meta.ordering does not apply to a query with GROUP BY
    )
    unplaced_count = pupils_visible_to(request.user).filter(school=school, school_year=year, group__isnull=True).count()
    selected = next((g for g in groups if str(g.pk) == request.GET.get("groep")), None)
    context: dict[str, object] = {"groups": groups, "selected": selected, "unplaced_count": unplaced_count}
    if selected is not None:
        shown = _placeable(request, selected)
        pupils = list(shown)
        record_pupils(Action.LIST, pupils, summary=f"groepen indelen, groep {selected.name}")
        context.update(
            form=MembersForm(shown=shown, initial={"members": [p.pk for p in pupils if p.group_id == selected.pk]}),
            in_group=[p for p in pupils if p.group_id == selected.pk],
            unplaced=[p for p in pupils if p.group_id is None],
        )
    context["mentor_count"] = User.objects.filter(organisation=school, role=Role.MENTOR).count()
    return render(request, "groups/index.html", context)


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedRequest) -> HttpResponse:
    form = GroupNameForm(request.POST or None, school=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        group = create_group(school=request.user.organisation, name=form.cleaned_data["name"])
        done = _("De groep %(name)s is aangemaakt.") % {"name": group.name}
        return go_to(request, _index_url(group), done_message(group, done))
    return modal_or_page(
        request,
        "groups/partials/name_form.html",
        {"form": form, "title": _("Maak groep aan"), "action": reverse("groups:create"), "cancel_url": _index_url()},
    )


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def rename(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = _school_group(request, pk)
    form = GroupNameForm(request.POST or None, school=request.user.organisation, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            rename_group(group=group, name=form.cleaned_data["name"], version=form.cleaned_data.get(versions.FIELD))
        except versions.StaleVersion as exc:
            versions.show_again_with(form, exc)
        else:
            return go_to(
                request, _index_url(group), _("De groepsnaam is gewijzigd in %(name)s.") % {"name": group.name}
            )
    return modal_or_page(
        request,
        "groups/partials/name_form.html",
        {
            "form": form,
            "title": _("Wijzig groepsnaam"),
            "action": reverse("groups:rename", args=[group.pk]),
            "cancel_url": _index_url(group),
        },
    )


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = _school_group(request, pk)
    if request.method == "POST":
        name = group.name
        count = delete_group(group=group)
        text = ngettext(
            "De groep %(name)s is verwijderd; %(count)d leerling is nu niet ingedeeld.",
            "De groep %(name)s is verwijderd; %(count)d leerlingen zijn nu niet ingedeeld.",
            count,
        ) % {"name": name, "count": count}
        return go_to(request, _index_url(), text)
    return modal_or_page(
        request,
        "groups/partials/delete.html",
        {"group": group, "size": group.pupils.count(), "cancel_url": _index_url(group)},
    )


@role_required(VO_MANAGING_ROLES)
@require_POST
def members(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = _school_group(request, pk)
    shown_ids = [int(x) for x in request.POST.getlist("shown") if x.isdigit()]
    shown = _placeable(request, group).filter(pk__in=shown_ids)
    form = MembersForm(request.POST, shown=shown)
    if not form.is_valid():
        return go_to(request, _index_url(group), " ".join(str(e) for e in form.errors["members"]))
    was = {int(x) for x in request.POST.getlist("was") if x.isdigit()} if request.POST.get("stand") else None
    added, removed = set_group_members(group=group, shown=list(shown), members=form.cleaned_data["members"], was=was)
    placed = ngettext(
        "%(count)d leerling in %(name)s geplaatst", "%(count)d leerlingen in %(name)s geplaatst", added
    ) % {"count": added, "name": group.name}
    taken_out = ngettext("%(count)d uit de groep gehaald", "%(count)d uit de groep gehaald", removed) % {
        "count": removed
    }
    text = _("Opgeslagen: %(placed)s, %(taken_out)s.") % {"placed": placed, "taken_out": taken_out}
    return go_to(request, _index_url(group), text)


@role_required(VO_MANAGING_ROLES)
@require_http_methods(["GET", "POST"])
def mentors(request: AuthenticatedRequest) -> HttpResponse:
    school = request.user.organisation
    groups = Group.objects.filter(school=school).order_by("name", "pk")
    mentor_users = User.objects.filter(organisation=school, role=Role.MENTOR, is_active=True)
    current = [
        f"{g}:{m}"
        for g, m in MentorGrant.objects.filter(content_object__school=school).values_list(
            "content_object_id", "user_id"
        )
    ]
    form = MentorLinksForm(request.POST or None, groups=groups, mentors=mentor_users, initial={"links": current})
    # The links the page showed (kept through a refused post): only what the user ticked or unticked changes.
    was = request.POST.getlist("was") if request.POST.get("stand") else current
    if request.method == "POST" and form.is_valid():
        shown = {pair for pair in (_pair(value) for value in was) if pair} if request.POST.get("stand") else None
        set_mentor_links(school=school, links=form.cleaned_pairs(), was=shown)
        return go_to(request, _index_url(), _("De koppelingen tussen mentoren en groepen zijn opgeslagen."))
    checked = set(form["links"].value() or [])
    matrix = [
        (group, [(mentor, f"{group.pk}:{mentor.pk}", f"{group.pk}:{mentor.pk}" in checked) for mentor in form.mentors])
        for group in form.groups
    ]
    return modal_or_page(
        request,
        "groups/partials/mentors.html",
        {"form": form, "matrix": matrix, "cancel_url": _index_url(), "was": was},
    )


def _pair(value: str) -> tuple[int, int] | None:
    """A posted link "groep:mentor" as two ids; None for anything else."""
    group, _sep, mentor = value.partition(":")
    return (int(group), int(mentor)) if group.isdigit() and mentor.isdigit() else None
