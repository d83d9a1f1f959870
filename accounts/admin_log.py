"""Django's admin history (``LogEntry``, table django_admin_log) without personal data.

By default the admin writes ``str(obj)`` into every history line it makes (``object_repr``) and ``str()`` of each
inline object into the change message; for a pupil's records that is the pupil's name, kept forever and shown
under "Recente acties". An admin that mixes in ``PseudonymousAdminLog`` writes "<soort> #<id>" instead.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import override


def pseudonym(obj) -> str:
    """What the history calls a record: its kind and number ("leerling #12"), never its text."""
    with override(None):  # stored untranslated, like Django's own change messages
        kind = str(obj._meta.verbose_name)
    return f"{kind} #{obj.pk}" if obj.pk is not None else kind


class PseudonymousAdminLog(admin.ModelAdmin):
    def construct_change_message(self, request, form, formsets, add=False) -> Any:
        message: list[dict[str, dict[str, Any]]] = super().construct_change_message(request, form, formsets, add)
        # Django lists the inline objects per formset as added, changed, deleted; each such line names one.
        inline_objects = chain.from_iterable(
            chain(formset.new_objects, (obj for obj, _fields in formset.changed_objects), formset.deleted_objects)
            for formset in formsets or []
        )
        for line in message:
            for detail in line.values():
                if "object" in detail:
                    detail["object"] = pseudonym(next(inline_objects))
        return message

    def _log(self, request, objects, action_flag: int, message="") -> list[LogEntry]:
        if isinstance(message, list):
            message = json.dumps(message)
        entries = [
            LogEntry(
                user_id=request.user.pk,
                content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
                object_id=str(obj.pk),
                object_repr=pseudonym(obj)[:200],
                action_flag=action_flag,
                change_message=message,
            )
            for obj in objects
        ]
        return LogEntry.objects.bulk_create(entries)

    def log_addition(self, request, obj, message):
        return self._log(request, [obj], ADDITION, message)[0]

    def log_change(self, request, obj, message):
        return self._log(request, [obj], CHANGE, message)[0]

    def log_deletions(self, request, queryset):
        return self._log(request, queryset, DELETION)
