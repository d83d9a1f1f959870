"""Admin screens that show pupil data tell the audit log, as the app's own screens do, and keep no names in Django's
admin history."""

from __future__ import annotations

from django.template.response import TemplateResponse

from accounts.admin_log import PseudonymousAdminLog
from accounts.admin_search import PrivateSearchAdmin
from audit.models import Action
from audit.services import record_pupils, record_view

from . import search


class AuditedPupilDataAdmin(PseudonymousAdminLog, PrivateSearchAdmin):
    """A list in admin is one audit line for the pupils on the page; opening one record is a view of its pupil.
    Django's admin history names the record by kind and number, not by the pupil's name.

    ``pupil_attribute``: how a record reaches its pupil ("" for the Pupil admin itself).
    """

    pupil_attribute = "pupil"

    def _pupil_of(self, obj):
        return getattr(obj, self.pupil_attribute) if self.pupil_attribute else obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if isinstance(response, TemplateResponse) else None
        if changelist is not None:
            pupils = {self._pupil_of(obj) for obj in changelist.result_list} - {None}
            record_pupils(Action.LIST, pupils, summary=f"beheer: {self.model._meta.verbose_name_plural}")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            pupil = self._pupil_of(obj) if obj is not None else None
            if pupil is not None:
                record_view(pupil, summary=f"beheer: {self.model._meta.verbose_name}")
        return super().change_view(request, object_id, form_url, extra_context)

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
