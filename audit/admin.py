"""The servicedesk reads the whole audit log; nobody adds, changes or deletes entries here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.admin_search import PrivateSearchAdmin

from .models import AuditEntry
from .services import PupilRef, details_of, record_view


@admin.register(AuditEntry)
class AuditEntryAdmin(PrivateSearchAdmin):
    list_display = ("at", "actor_name", "actor_role", "action", "screen", "pupil_id", "count", "summary", "ip")
    list_filter = ("action", "actor_role", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_name", "summary", "screen", "=pupil_id", "=ip")
    search_help_text = _("Zoek op gebruiker, scherm, omschrijving, leerling-id of adres.")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # counting millions of rows for every page is wasted work
    readonly_fields = [f.name for f in AuditEntry._meta.fields if f.name != "detail"] + ["changes"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        return self.readonly_fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An entry about a pupil shows what was done with their data, and a change's old and new values: a view
        # of that pupil. (The list shows ids and summaries only, no names or values: not recorded, or every page
        # of the log read would add a line about a hundred pupils.)
        entry = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if entry is not None and entry.pupil_id:
            record_view(PupilRef(entry.pupil_id, entry.school_id), summary=f"beheer: logboekregel {entry.pk}")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("oud → nieuw"))
    def changes(self, obj: AuditEntry) -> str:
        if not obj.detail:
            return "–"
        values = details_of([obj]).get(obj.pk)
        if values is None:
            return str(_("niet meer leesbaar: de leerling is volledig verwijderd"))
        return format_html_join(
            "", "<div><b>{}</b>: {} → {}</div>", ((k, o or "–", n or "–") for k, (o, n) in values.items())
        )
