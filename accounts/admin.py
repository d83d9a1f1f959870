from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import GemeentePostcode, Organisation, User


class GemeentePostcodeInline(admin.TabularInline):
    model = GemeentePostcode
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "connected")
    list_filter = ("kind", "connected")
    search_fields = ("name", "code")

    def get_inlines(self, request, obj):
        return [GemeentePostcodeInline] if obj and obj.kind == "gemeente" else []


@admin.register(GemeentePostcode)
class GemeentePostcodeAdmin(admin.ModelAdmin):
    list_display = ("postcode", "gemeente")
    list_filter = ("gemeente",)
    search_fields = ("postcode",)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "organisation", "role")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    list_display = ("username", "full_name", "organisation", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "organisation__kind")
    list_select_related = ("organisation",)
    search_fields = ("username", "voornaam", "achternaam", "email", "organisation__name", "organisation__code")
    ordering = ("username",)
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Organisatie en rol"), {"fields": ("organisation", "role", "is_active")}),
        (_("Persoonsgegevens"), {"fields": ("aanhef", "voornaam", "tussenvoegsel", "achternaam", "telefoon", "email")}),
        (_("Datums"), {"fields": ("last_login", "date_joined", "profile_checked_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "role", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()

    def get_readonly_fields(self, request, obj=None):
        # The login name cannot be changed once the user exists.
        return (*self.readonly_fields, "username") if obj else self.readonly_fields

    @admin.display(description=_("naam"))
    def full_name(self, obj):
        return obj.full_name
