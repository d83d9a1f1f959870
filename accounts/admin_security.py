"""The login protection's pages in the servicedesk's admin, in Dutch: django-axes (inlogpogingen, blokkades) and
django-otp (authenticator-apps) register English pages; here they are registered again with Dutch names,
columns, filters and actions. Times are shown in local time (the admin formats them; the columns are callables
that return the datetime itself). Model and app names are set on their options at start (not their Meta, so
no migration of those apps follows)."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

NAMES: list[tuple[Any, Any, Any]] = [
    (AccessAttempt, _("inlogpoging"), _("inlogpogingen per gebruiker")),
    (AccessLog, _("inlogregistratie"), _("inloggen en uitloggen")),
    (AccessFailureLog, _("mislukte inlogpoging"), _("mislukte inlogpogingen")),
    (TOTPDevice, _("authenticator-app"), _("authenticator-apps (tweestapsverificatie)")),
]


def name_in_dutch() -> None:
    """Called from AccountsConfig.ready()."""
    apps.get_app_config("axes").verbose_name = _("Inlogbeveiliging")
    apps.get_app_config("otp_totp").verbose_name = _("Tweestapsverificatie")
    for model, singular, plural in NAMES:
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural


def column(field: str, label, *, boolean: bool = False):
    """A list column (and read-only field) showing ``field`` under a Dutch heading."""

    @admin.display(description=label, ordering=field, boolean=boolean)
    def show(obj):
        return getattr(obj, field)

    show.__name__ = f"kolom_{field}"
    return show


def titled(filter_class: Any, title: Any) -> Any:
    """A list filter of the admin under a Dutch title."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


WHEN = column("attempt_time", _("tijdstip"))
IP = column("ip_address", _("IP-adres"))
AGENT = column("user_agent", _("browser"))
USERNAME = column("username", _("loginnaam"))
PATH = column("path_info", _("adres"))
FAILURES = column("failures_since_start", _("mislukte pogingen"))
LOGOUT = column("logout_time", _("uitgelogd"))
DATE_FILTER = admin.DateFieldListFilter


class LockedOutFilter(admin.SimpleListFilter):
    title = _("geblokkeerd")
    parameter_name = "geblokkeerd"

    def lookups(self, request, model_admin):
        return (("ja", _("ja")), ("nee", _("nee")))

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(failures_since_start__gte=axes_settings.AXES_FAILURE_LIMIT)
        if self.value() == "nee":
            return queryset.filter(failures_since_start__lt=axes_settings.AXES_FAILURE_LIMIT)
        return queryset


class DutchAccessAttemptAdmin(AccessAttemptAdmin):
    list_display = [
        WHEN,
        IP,
        AGENT,
        USERNAME,
        PATH,
        FAILURES,
        "stand",
    ]
    list_filter = [("attempt_time", titled(DATE_FILTER, _("tijdstip"))), LockedOutFilter]
    fieldsets = (
        (None, {"fields": (USERNAME, PATH, FAILURES, "stand")}),
        (_("Browser en adres"), {"fields": (AGENT, IP)}),
    )
    readonly_fields = [USERNAME, PATH, FAILURES, "stand", AGENT, IP]
    actions = ["remove_expired"]

    @admin.display(description=_("stand"))
    def stand(self, obj: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return str(_("geblokkeerd"))
        return ngettext("nog %(n)d poging", "nog %(n)d pogingen", left) % {"n": left}

    @admin.action(description=_("Verlopen pogingen opruimen"))
    def remove_expired(self, request, queryset):
        return self.cleanup_expired_attempts(request, queryset)


class DutchAccessLogAdmin(AccessLogAdmin):
    list_display = (WHEN, LOGOUT, IP, USERNAME, AGENT, PATH)
    list_filter = [
        ("attempt_time", titled(DATE_FILTER, _("tijdstip"))),
        ("logout_time", titled(DATE_FILTER, _("uitgelogd"))),
    ]
    fieldsets = ((None, {"fields": (USERNAME, WHEN, LOGOUT, AGENT, IP, PATH)}),)
    readonly_fields = [USERNAME, WHEN, LOGOUT, AGENT, IP, PATH]


class DutchAccessFailureLogAdmin(AccessFailureLogAdmin):
    list_display = (WHEN, IP, USERNAME, AGENT, PATH, column("locked_out", _("geblokkeerd"), boolean=True))
    list_filter = [
        ("attempt_time", titled(DATE_FILTER, _("tijdstip"))),
        ("locked_out", titled(admin.BooleanFieldListFilter, _("geblokkeerd"))),
    ]
    fieldsets = ((None, {"fields": (USERNAME, WHEN, AGENT, IP, PATH)}),)
    readonly_fields = [USERNAME, WHEN, AGENT, IP, PATH]


class DutchTOTPDeviceAdmin(TOTPDeviceAdmin):
    list_display = [
        column("user", _("gebruiker")),
        column("name", _("naam")),
        column("created_at", _("ingesteld op")),
        column("last_used_at", _("laatst gebruikt")),
        column("confirmed", _("bevestigd"), boolean=True),
    ]
    list_filter = [
        ("created_at", titled(DATE_FILTER, _("ingesteld op"))),
        ("last_used_at", titled(DATE_FILTER, _("laatst gebruikt"))),
        ("confirmed", titled(admin.BooleanFieldListFilter, _("bevestigd"))),
    ]
    search_help_text = _("Zoek op loginnaam of e-mailadres.")

    def get_list_display(self, request):
        return self.list_display  # never the QR code in a list

    readonly_fields = ["ingesteld_op", "laatst_gebruikt", "qrcode_link"]

    @admin.display(description=_("ingesteld op"))
    def ingesteld_op(self, obj):
        return obj.created_at

    @admin.display(description=_("laatst gebruikt"))
    def laatst_gebruikt(self, obj):
        return obj.last_used_at

    def get_fieldsets(self, request, obj=None):
        renamed = {"created_at": "ingesteld_op", "last_used_at": "laatst_gebruikt"}
        return [
            (SECTIONS.get(title, title), {**options, "fields": [renamed.get(f, f) for f in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, labels=DEVICE_LABELS, **kwargs)


SECTIONS = {
    "Identity": _("Gebruiker"),
    "Timestamps": _("Tijdstippen"),
    "Configuration": _("Instellingen"),
    "State": _("Stand"),
    "Throttling": _("Wachttijd na onjuiste codes"),
}
DEVICE_LABELS = {
    "user": _("gebruiker"),
    "name": _("naam"),
    "confirmed": _("bevestigd"),
    "key": _("sleutel"),
    "step": _("stap (seconden)"),
    "t0": _("begintijd"),
    "digits": _("cijfers"),
    "tolerance": _("speling (stappen)"),
    "drift": _("afwijking"),
    "last_t": _("laatst gebruikte stap"),
    "throttling_failure_timestamp": _("laatste onjuiste code"),
    "throttling_failure_count": _("onjuiste codes achter elkaar"),
}


for model, model_admin in (
    (AccessAttempt, DutchAccessAttemptAdmin),
    (AccessLog, DutchAccessLogAdmin),
    (AccessFailureLog, DutchAccessFailureLogAdmin),
    (TOTPDevice, DutchTOTPDeviceAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
