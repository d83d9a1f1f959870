"""The servicedesk's screens for organisations and users (Django admin, behind the second factor)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_search import PrivateSearchAdmin
from .forms import NewUserForm
from .models import GemeentePostcode, Organisation, Role, User
from .services import end_sessions, invite_user, unlock_login

# VOROC does not use Django's permission groups ("Groepen" in VOROC are a school's class groups).
admin.site.unregister(Group)


class GemeentePostcodeInline(admin.TabularInline):
    model = GemeentePostcode
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "connected", "email")
    list_filter = ("kind", "connected")
    search_fields = ("name", "code")

    def get_inlines(self, request, obj):
        return [GemeentePostcodeInline] if obj and obj.kind == "gemeente" else []


@admin.register(GemeentePostcode)
class GemeentePostcodeAdmin(admin.ModelAdmin):
    list_display = ("postcode", "gemeente")
    list_filter = ("gemeente",)
    list_select_related = ("gemeente",)
    search_fields = ("postcode",)


class InviteUserForm(NewUserForm):
    """A new user of any organisation; the person chooses their own password through the invitation mail."""

    class Meta(NewUserForm.Meta):
        fields = ("username", "organisation", "role", *NewUserForm.Meta.fields[2:], "telefoon")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A pupil's account belongs to their school's invitation or their own registration (dossier), never here.
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "---------"), *((value, label) for value, label in Role.choices if value != Role.LEERLING)]


class LockedFilter(admin.SimpleListFilter):
    title = _("inloggen geblokkeerd")
    parameter_name = "geblokkeerd"

    def lookups(self, request, model_admin):
        return [("ja", _("Ja"))]

    def queryset(self, request, queryset):
        return queryset.filter(login_locked=True) if self.value() == "ja" else queryset


@admin.register(User)
class UserAdmin(PrivateSearchAdmin, BaseUserAdmin):
    add_form = InviteUserForm
    add_form_template = None
    list_display = ("username", "full_name", "organisation", "role", "is_active", "login_locked_display")
    list_filter = ("role", LockedFilter, "is_active", "organisation__kind")
    list_select_related = ("organisation",)
    search_fields = ("username", "voornaam", "achternaam", "email", "organisation__name", "organisation__code")
    ordering = ("username",)
    autocomplete_fields = ("organisation",)
    actions = ["unlock_logins", "end_all_sessions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Organisatie en rol"), {"fields": ("organisation", "role", "is_active")}),
        (_("Persoonsgegevens"), {"fields": ("aanhef", "voornaam", "tussenvoegsel", "achternaam", "telefoon", "email")}),
        (_("Datums"), {"fields": ("last_login", "date_joined", "profile_checked_at", "sessions_ended_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "description": _(
                    "De nieuwe gebruiker krijgt een e-mail met een link om zelf een wachtwoord te kiezen."
                ),
                "fields": ("username", "organisation", "role"),
            },
        ),
        (
            _("Persoonsgegevens"),
            {"fields": ("aanhef", "voornaam", "tussenvoegsel", "achternaam", "email", "telefoon")},
        ),
    )
    readonly_fields = ("last_login", "date_joined", "sessions_ended_at")
    filter_horizontal = ()

    def get_queryset(self, request):
        # One subquery, not one query per row: is this login name locked out right now?
        locked = AccessAttempt.objects.filter(
            username=OuterRef("username"),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        return super().get_queryset(request).annotate(login_locked=Exists(locked))

    def get_readonly_fields(self, request, obj=None):
        # The login name cannot be changed once the user exists.
        return (*self.readonly_fields, "username") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        invite_user(user=obj)
        messages.info(request, _("Er is een uitnodiging gestuurd naar %(email)s.") % {"email": obj.email})

    @admin.display(description=_("naam"))
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("geblokkeerd"), boolean=True, ordering="login_locked")
    def login_locked_display(self, obj):
        return obj.login_locked

    @admin.action(description=_("Inlogblokkade opheffen"))
    def unlock_logins(self, request, queryset):
        users = list(queryset)
        locked = [user for user in users if user.login_locked]
        for user in locked:
            unlock_login(username=user.username)
        if locked:
            self.message_user(
                request,
                ngettext(
                    "De inlogblokkade van %(count)d gebruiker is opgeheven.",
                    "De inlogblokkade van %(count)d gebruikers is opgeheven.",
                    len(locked),
                )
                % {"count": len(locked)},
            )
        not_locked = [user.username for user in users if not user.login_locked]
        if not_locked:
            self.message_user(
                request,
                ngettext(
                    "%(names)s was niet geblokkeerd; daar is niets veranderd.",
                    "%(names)s waren niet geblokkeerd; daar is niets veranderd.",
                    len(not_locked),
                )
                % {"names": ", ".join(not_locked)},
                messages.INFO,
            )

    @admin.action(description=_("Alle sessies beëindigen (opnieuw inloggen nodig)"))
    def end_all_sessions(self, request, queryset):
        users = list(queryset)
        for user in users:
            end_sessions(user=user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "De sessies van %(count)d gebruiker zijn beëindigd.",
                "De sessies van %(count)d gebruikers zijn beëindigd.",
                len(users),
            )
            % {"count": len(users)},
        )


from . import admin_security  # noqa: E402,F401  (the login protection's pages, in Dutch)
