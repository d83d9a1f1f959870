"""Admin screens that show pupil data tell the audit log, as the app's own screens do, and keep no names in Django's
admin history."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse

from accounts.admin_log import PseudonymousAdminLog
from accounts.admin_search import PrivateSearchAdmin
from audit.models import Action
from audit.services import record_changes, record_pupils, record_view

from . import search


class AuditedPupilDataAdmin(PseudonymousAdminLog, PrivateSearchAdmin):
    """Admin pages that show a pupil's data tell the audit log: a list is one line for the pupils on the page;
    a record's page, its history and the confirmation before deleting it are a view of its pupil; deleting a
    record (not a pupil: PupilAdmin records that itself) is a change of its pupil's data. Django's admin history
    names the record by kind and number, not by the pupil's name.

    ``pupil_attribute``: how a record reaches its pupil ("" for the Pupil admin itself); or override
    ``pupils_of`` where a record names its pupil otherwise (one query for a whole page).
    """

    pupil_attribute = "pupil"

    def _pupil_of(self, obj):
        return getattr(obj, self.pupil_attribute) if self.pupil_attribute else obj

    def pupils_of(self, objs) -> set:
        return {self._pupil_of(obj) for obj in objs} - {None}

    def _label(self, what: str = "") -> str:
        return f"beheer: {self.model._meta.verbose_name}" + (f", {what}" if what else "")

    def _record_view_of(self, request, object_id, what: str = "") -> None:
        if request.method != "GET":
            return
        obj = self.get_object(request, unquote(object_id))
        for pupil in self.pupils_of([obj]) if obj is not None else ():
            record_view(pupil, summary=self._label(what))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if isinstance(response, TemplateResponse) else None
        if changelist is not None:
            pupils = self.pupils_of(changelist.result_list)
            record_pupils(Action.LIST, pupils, summary=f"beheer: {self.model._meta.verbose_name_plural}")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._record_view_of(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._record_view_of(request, object_id, "geschiedenis")
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._record_view_of(request, object_id, "verwijderen bevestigen")
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        self._record_deleted([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record_deleted(list(queryset))
        super().delete_queryset(request, queryset)

    def _record_deleted(self, objs) -> None:
        name = str(self.model._meta.verbose_name)
        record_changes(
            [(pupil, {name: (str(obj), None)}) for obj in objs for pupil in self.pupils_of([obj])],
            summary=self._label("verwijderd"),
        )

    def get_search_results(self, request, queryset, search_term):
        # A whole BSN (kept only as its keyed index) finds the records of that pupil.
        kept = self.kept(request, search_term)
        if search.is_bsn_key(kept):
            field = f"{self.pupil_attribute}__bsn_index" if self.pupil_attribute else "bsn_index"
            return queryset.filter(**{field: search.bsn_index_of(kept)}), False
        return super().get_search_results(request, queryset, search_term)


class BsnSearchAdmin(PseudonymousAdminLog, PrivateSearchAdmin):
    """A whole BSN is searched through its keyed index; the session keeps only that index, never the number."""

    bsn_index_field = "bsn_index"

    def get_search_results(self, request, queryset, search_term):
        kept = self.search_key(self.kept(request, search_term))
        if search.is_bsn_key(kept):
            return queryset.filter(**{self.bsn_index_field: search.bsn_index_of(kept)}), False
        return super().get_search_results(request, queryset, search_term)
