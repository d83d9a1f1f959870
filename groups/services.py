"""Writes on groups: create, rename, delete, place pupils, link mentors. Each takes effect at once and whole."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.once import earlier_post
from accounts.versions import check_version, fingerprint
from audit.services import record_changes
from students.models import Pupil

from .models import MENTOR_CODENAME, Group, MentorGrant


def earlier_group(*, school: Organisation, name: str) -> Group | None:
    """The group of this name made moments ago (the form posted twice: a double click, the back button), marked as
    such (accounts/once.py); None otherwise. Looked at before the name is refused as taken."""
    return earlier_post(Group.objects.filter(school=school), name=" ".join(name.split()))


@transaction.atomic
def create_group(*, school: Organisation, name: str) -> Group:
    Organisation.objects.select_for_update().filter(pk=school.pk).first()  # two posts at once: one after the other
    same = earlier_group(school=school, name=name)
    if same is not None:
        return same
    group = Group(school=school, name=name.strip())
    group.full_clean()
    group.save()
    return group


def group_version(group: Group) -> str:
    """The ``versie`` of a group's name as the rename page shows it (accounts/versions.py)."""
    return fingerprint({"name": group.name})


@transaction.atomic
def rename_group(*, group: Group, name: str, version: str | None = None) -> Group:
    """``version``: the ``versie`` of the page the name was typed on; when the name changed since, nothing is
    written (accounts/versions.StaleVersion)."""
    stored = Group.objects.select_for_update().get(pk=group.pk)
    check_version(
        posted=version,
        current=group_version(stored),
        what=[_("de groep heet nu “%(name)s”") % {"name": stored.name}],
    )
    group.name = name.strip()
    group.full_clean()
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def delete_group(*, group: Group) -> int:
    """Delete a group; its pupils become "niet ingedeeld". Returns how many pupils that were."""
    pupils = list(group.pupils.only("pk", "school_id"))
    count = group.pupils.update(group=None)
    record_changes([(p, {"group": (group.name, None)}) for p in pupils], summary="groep verwijderd")
    group.delete()
    return count


@transaction.atomic
def set_group_members(
    *, group: Group, shown: Iterable[Pupil], members: Iterable[Pupil], was: set[int] | None = None
) -> tuple[int, int]:
    """Of the pupils ``shown`` on the screen, put ``members`` in the group and the rest out of it.

    Pupils not shown (e.g. placed in another group meanwhile) are left alone. ``was``: the pupils the page showed
    in the group; then only what the user changed is written (ticked, or unticked), so that a colleague's change
    to a pupil the user did not touch is not undone by a page opened before it. Returns (added, removed).
    """
    shown_ids = {p.pk for p in shown if p.school_id == group.school_id}
    member_ids = {p.pk for p in members} & shown_ids
    leaving_ids = shown_ids - member_ids
    if was is not None:
        member_ids -= was  # ticked and shown ticked: not the user's change
        leaving_ids &= was  # unticked and shown unticked: not the user's change
    joining = list(Pupil.objects.filter(pk__in=member_ids).exclude(group=group).select_related("group"))
    leaving = list(Pupil.objects.filter(pk__in=leaving_ids, group=group).only("pk", "school_id"))
    added = Pupil.objects.filter(pk__in=[p.pk for p in joining]).update(group=group)
    removed = Pupil.objects.filter(pk__in=[p.pk for p in leaving]).update(group=None)
    record_changes(
        [(p, {"group": (p.group.name if p.group else None, group.name)}) for p in joining]
        + [(p, {"group": (group.name, None)}) for p in leaving],
        summary="groepen indelen",
    )
    return added, removed


def _mentor_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="groups", codename=MENTOR_CODENAME)


@transaction.atomic
def set_mentor_links(
    *, school: Organisation, links: set[tuple[int, int]], was: set[tuple[int, int]] | None = None
) -> tuple[int, int]:
    """Make the school's mentor links exactly ``links`` (pairs of group id and mentor id); with ``was`` (the links
    the page showed), only the ones the user ticked or unticked change, and a colleague's change to another cell
    since the page opened stays.

    Each link is a django-guardian grant ``groups.mentor`` for the mentor on the group.
    Returns (granted, revoked).
    """
    groups = set(Group.objects.filter(school=school).values_list("pk", flat=True))
    mentors = set(User.objects.filter(organisation=school, role=Role.MENTOR).values_list("pk", flat=True))
    wanted = {(g, m) for g, m in links if g in groups and m in mentors}
    permission = _mentor_permission()
    existing = {
        (g, m): pk
        for pk, g, m in MentorGrant.objects.filter(content_object__school=school, permission=permission).values_list(
            "pk", "content_object_id", "user_id"
        )
    }
    if was is not None:  # what is stored now, with what the user ticked and unticked on the page
        changed = (set(existing) | (links - was)) - (was - links)
        wanted = {(g, m) for g, m in changed if g in groups and m in mentors}
    revoke = [pk for pair, pk in existing.items() if pair not in wanted]
    MentorGrant.objects.filter(pk__in=revoke).delete()
    MentorGrant.objects.bulk_create(
        [MentorGrant(content_object_id=g, user_id=m, permission=permission) for g, m in wanted - existing.keys()]
    )
    return len(wanted - existing.keys()), len(revoke)
