from django.contrib import admin
from django.contrib.auth.models import Permission

from .models import MENTOR_CODENAME, Group, MentorGrant


class MentorGrantInline(admin.TabularInline):
    model = MentorGrant
    extra = 0
    fields = ("user",)
    autocomplete_fields = ("user",)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "school")
    list_filter = ("school",)
    list_select_related = ("school",)
    search_fields = ("name", "school__name", "school__code")
    inlines = [MentorGrantInline]

    def save_formset(self, request, form, formset, change):
        # A grant made here is the same django-guardian grant the school makes on the Groepen tab.
        permission = Permission.objects.get(content_type__app_label="groups", codename=MENTOR_CODENAME)
        for grant in formset.save(commit=False):
            grant.permission = permission
            grant.save()
        for grant in formset.deleted_objects:
            grant.delete()
