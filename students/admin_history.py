"""Django's admin history (``LogEntry``) about one pupil: in the inzage, and removed with the pupil.

The history of the pupil's records is found through what goes with the pupil's row (the same collection Django's
delete uses), so a record another app keeps about the pupil is covered as soon as it points to the pupil.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Q, QuerySet
from django.dispatch import receiver

from .models import Pupil
from .privacy import Section, register_section
from .signals import pupil_removing


def admin_history(pupil: Pupil) -> QuerySet[LogEntry]:
    """The admin history lines of the pupil and of every record that goes with them."""
    collector = NestedObjects(using=router.db_for_write(Pupil))
    collector.collect([pupil])
    condition = Q()
    for model, instances in collector.data.items():
        ids = [str(obj.pk) for obj in instances]
        if ids:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            condition |= Q(content_type=content_type, object_id__in=ids)
    return LogEntry.objects.filter(condition) if condition else LogEntry.objects.none()


def _rows(pupil: Pupil) -> list[dict]:
    rows = []
    for entry in admin_history(pupil).select_related("user", "content_type").order_by("action_time", "pk"):
        user: Any = entry.user
        content_type: Any = entry.content_type
        rows.append(
            {
                "wanneer": entry.action_time,
                "wie": user.full_name or user.username,
                "handeling": entry.get_action_flag_display(),
                "soort": content_type.name if content_type else "",
                "gegeven": entry.object_repr,
                "wijziging": entry.get_change_message(),
            }
        )
    return rows


register_section(Section("beheer", "Wijzigingen door de servicedesk in het beheer", _rows, position=90))


@receiver(pupil_removing, sender=Pupil)
def remove_admin_history(sender, pupil: Pupil, **kwargs) -> None:
    admin_history(pupil).delete()
