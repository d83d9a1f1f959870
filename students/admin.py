"""The servicedesk's view of pupils: find one (also by BSN, through the blind index), link it to a second school.

The BSN is write-only here: it can be entered for a new pupil, and is never listed or shown.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.models import Action
from audit.services import record_change, record_view

from . import bsn as bsn_crypto
from .admin_mixins import AuditedPupilDataAdmin, BsnSearchAdmin
from .forms import BsnField
from .models import (
    Aanmelding,
    Location,
    Opleiding,
    Pupil,
    SchoolLink,
    SchoolYearStart,
    Source,
    StatusChange,
    new_no_bsn_code,
)
from .privacy import inzage_zip, remove_pupil_completely
from .services import PERSONAL_FIELDS, announce_bsn


class SchoolLinkInline(admin.TabularInline):
    model = SchoolLink
    extra = 0
    fields = ("school", "note", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("school",)
    verbose_name = _("gekoppelde school")
    verbose_name_plural = _("Gekoppeld aan andere scholen (de leerling is daar ook zichtbaar)")


class PupilAdminForm(forms.ModelForm):
    bsn = BsnField(
        required=False,
        label=_("BSN"),
        help_text=_("Alleen bij een nieuwe leerling; wordt versleuteld opgeslagen. Leeg: een leerlingcode."),
    )

    class Meta:
        model = Pupil
        fields = ("school", "school_year", "group", *PERSONAL_FIELDS)

    def clean(self):
        data = super().clean() or {}
        school = data.get("school")
        if data.get("bsn") and school is not None and self.instance.pk is None:
            index = bsn_crypto.blind_index(data["bsn"])
            if Pupil.objects.filter(school=school, bsn_index=index).exists():
                self.add_error("bsn", _("Deze leerling staat al in de lijst van deze school."))
        return data


@admin.register(Pupil)
class PupilAdmin(BsnSearchAdmin, AuditedPupilDataAdmin):
    form = PupilAdminForm
    pupil_attribute = ""
    list_display = ("sort_name", "school", "school_year", "group", "has_bsn_display", "source")
    list_filter = ("school_year", "source", "school")
    list_select_related = ("school", "group")
    search_fields = ("voornaam", "achternaam", "no_bsn_code")
    search_help_text = _("Zoek op naam, leerlingcode of een volledig BSN (9 cijfers).")
    autocomplete_fields = ("school",)
    readonly_fields = ("no_bsn_code", "source", "created_by", "created_at", "updated_at")
    inlines = [SchoolLinkInline]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "bsn"]
        return fields if obj else ["bsn", *fields]

    @admin.display(description=_("naam"), ordering="achternaam")
    def sort_name(self, obj: Pupil) -> str:
        return obj.sort_name

    @admin.display(description=_("BSN bekend"), boolean=True)
    def has_bsn_display(self, obj: Pupil) -> bool:
        return obj.has_bsn

    def get_urls(self):
        own = [
            path("<id:pk>/inzage/", self.admin_site.admin_view(self.inzage_view), name="students_pupil_inzage"),
            path(
                "<id:pk>/volledig-verwijderen/",
                self.admin_site.admin_view(self.remove_view),
                name="students_pupil_remove",
            ),
        ]
        return own + super().get_urls()

    def inzage_view(self, request, pk: int):
        """Everything VOROC holds about this pupil, as one download (AVG, right of access)."""
        pupil = get_object_or_404(Pupil.objects.select_related("school", "group"), pk=pk)
        name, content = inzage_zip(pupil=pupil, by=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def remove_view(self, request, pk: int):
        """Remove the pupil completely (AVG, right to erasure), after typing the pupil's number."""
        pupil = get_object_or_404(Pupil.objects.select_related("school"), pk=pk)
        if request.method == "GET":
            record_view(pupil, summary="beheer: volledig verwijderen bevestigen")
        error = ""
        if request.method == "POST":
            if request.POST.get("confirm", "").strip() == str(pupil.pk):
                name = pupil.full_name
                remove_pupil_completely(pupil=pupil, reason="avg", by=request.user)
                self.message_user(request, _("%(name)s is volledig verwijderd.") % {"name": name}, messages.SUCCESS)
                return redirect("admin:students_pupil_changelist")
            error = str(_("Het nummer klopt niet; er is niets verwijderd."))
        context = {
            **self.admin_site.each_context(request),
            "pupil": pupil,
            "error": error,
            "title": _("%(name)s volledig verwijderen") % {"name": pupil.full_name},
        }
        return TemplateResponse(request, "admin/students/pupil/remove_completely.html", context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.SERVICEDESK
            obj.created_by = request.user
            if form.cleaned_data.get("bsn"):
                obj.set_bsn(form.cleaned_data["bsn"])
            else:
                obj.no_bsn_code = new_no_bsn_code()
        super().save_model(request, obj, form, change)
        if not change and form.cleaned_data.get("bsn"):
            announce_bsn(pupil=obj)
        changes = {f: (form.initial.get(f) if change else None, form.cleaned_data.get(f)) for f in form.changed_data}
        changes.pop("bsn", None)
        if form.cleaned_data.get("bsn"):
            changes["bsn"] = (None, "ingevuld")
        record_change(obj, action=Action.CHANGE if change else Action.CREATE, changes=changes, summary="beheer")

    def delete_model(self, request, obj):
        remove_pupil_completely(pupil=obj, reason="beheer", by=request.user)

    def delete_queryset(self, request, queryset):
        # One by one, as every removal of a pupil: each takes its files, feed rows and audit key along.
        with transaction.atomic():
            for pupil in queryset.select_related("school"):
                remove_pupil_completely(pupil=pupil, reason="beheer", by=request.user)

    def save_formset(self, request, form, formset, change):
        for link in formset.save(commit=False):
            if link.pk is None:
                link.created_by = request.user
            link.save()
        for link in formset.deleted_objects:
            link.delete()


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "plaats", "school")
    list_filter = ("school",)
    search_fields = ("name", "plaats", "school__name")


@admin.register(Opleiding)
class OpleidingAdmin(admin.ModelAdmin):
    list_display = ("name", "crebo", "niveau", "leerweg", "school", "active")
    list_filter = ("school", "niveau", "leerweg", "active")
    list_select_related = ("school",)
    search_fields = ("name", "crebo")
    filter_horizontal = ("locations",)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ("status", "at", "source", "user_name", "note", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Aanmelding)
class AanmeldingAdmin(AuditedPupilDataAdmin):
    """Read-only: aanmeldingen are recorded by schools and feeds; here the servicedesk can look them up."""

    list_display = ("pupil", "opleiding", "mbo_school", "status", "status_at", "school_year")
    list_filter = ("status", "mbo_school", "school_year")
    list_select_related = ("pupil", "opleiding", "mbo_school")
    search_fields = ("pupil__achternaam", "opleiding__name", "external_id")
    readonly_fields = (
        "pupil",
        "opleiding",
        "mbo_school",
        "location",
        "school_year",
        "external_id",
        "status",
        "status_at",
    )
    exclude = ("created_by",)
    inlines = [StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False


class SchoolYearStartForm(forms.ModelForm):
    class Meta:
        model = SchoolYearStart
        fields = ("year",)
        help_texts = {"year": _("Het jaar waarin het nieuwe schooljaar begint, bijv. 2027 voor 2027-2028.")}

    def clean_year(self) -> int:
        from .services import check_next_school_year

        check_next_school_year(self.cleaned_data["year"])
        return self.cleaned_data["year"]


@admin.register(SchoolYearStart)
class SchoolYearStartAdmin(admin.ModelAdmin):
    """Starting a new school year (also: manage.py start_school_year YEAR): last year's pupils become Oud leerlingen."""

    form = SchoolYearStartForm
    list_display = ("__str__", "started_at", "started_by")

    def save_model(self, request, obj, form, change):
        from .services import start_school_year

        moved = start_school_year(year=obj.year, by=request.user.get_username())
        obj.pk = SchoolYearStart.objects.get(year=obj.year).pk
        messages.success(
            request,
            ngettext(
                "Schooljaar %(year)s is gestart; %(moved)d leerling staat nu bij Oud leerlingen.",
                "Schooljaar %(year)s is gestart; %(moved)d leerlingen staan nu bij Oud leerlingen.",
                moved,
            )
            % {"year": obj, "moved": moved},
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
