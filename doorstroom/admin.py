"""The servicedesk's view of declarations and forms: read-only. Answers can hold care data and are never listed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from students.admin_mixins import AuditedPupilDataAdmin

from .models import Declaration, Delivery, Formulier


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "school_year", "version", "forms_count", "source", "created_at")
    list_filter = ("region", "school_year")
    readonly_fields = ("region", "school_year", "version", "title", "document", "checksum", "source", "created_at")
    search_help_text = _("Een nieuwe versie laadt u met manage.py load_declaration BESTAND.")

    def has_add_permission(self, request) -> bool:
        return False  # through load_declaration, which checks the whole document

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and not obj.in_use

    @admin.display(description=_("formulieren"))
    def forms_count(self, obj: Declaration) -> int:
        return obj.forms.count()


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("mbo_school", "delivered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Formulier)
class FormulierAdmin(AuditedPupilDataAdmin):
    """Which forms exist and where they stand; the answers themselves stay in the app, behind the access rule."""

    list_display = ("pupil", "school", "version", "state", "percent", "updated_at", "sent_at")
    list_filter = ("state", "pupil__school_year", "pupil__school")
    list_select_related = ("pupil", "pupil__school")
    search_fields = ("pupil__voornaam", "pupil__achternaam")
    fields = (
        "pupil",
        "version",
        "is_current",
        "declaration",
        "state",
        "percent",
        "approved_by_name",
        "approved_at",
        "sent_at",
        "updated_at",
        "updated_by_name",
    )
    readonly_fields = fields

    @admin.display(description=_("school"), ordering="pupil__school__name")
    def school(self, obj: Formulier) -> str:
        return obj.pupil.school.name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
