"""A vo-school's groups (classes) and the mentors linked to them.

A mentor's link to a group is a django-guardian object permission (``groups.mentor`` on the group),
stored in its own table with a real foreign key so that "pupils in my groups" is one join.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from accounts.models import Organisation, OrganisationKind

MENTOR_PERMISSION = "groups.mentor"
MENTOR_CODENAME = "mentor"


class Group(models.Model):
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="pupil_groups",
        limit_choices_to={"kind": OrganisationKind.VO_SCHOOL},
        verbose_name=_("school"),
    )
    name = models.CharField(_("groepsnaam"), max_length=60)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        default_permissions = ()
        permissions = [(MENTOR_CODENAME, _("Is mentor van deze groep"))]
        constraints = [
            models.UniqueConstraint(
                "school",
                Lower("name"),
                name="group_name_unique_per_school",
                violation_error_message=_("Uw school heeft al een groep met deze naam."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class MentorGrant(UserObjectPermissionBase):
    """django-guardian's per-object grant, with a direct foreign key to the group."""

    content_object = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="mentor_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("mentorkoppeling")
        verbose_name_plural = _("mentorkoppelingen")
