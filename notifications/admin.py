"""The servicedesk: system meldingen for organisations, the deadlines per region, and mail that failed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from students.admin_mixins import AuditedPupilDataAdmin

from .mail import queue_after_commit
from .models import Deadline, Melding, OutgoingMail
from .selectors import pupils_mailed


@admin.register(Melding)
class MeldingAdmin(AuditedPupilDataAdmin):
    list_display = ("created_at", "organisation", "kind", "short_text")
    list_filter = ("kind", "organisation__kind")
    list_select_related = ("organisation", "pupil")
    search_fields = ("text", "organisation__name")
    fields = ("organisation", "user", "kind", "text", "link")
    autocomplete_fields = ("organisation", "user")
    date_hierarchy = "created_at"

    @admin.display(description=_("tekst"))
    def short_text(self, obj: Melding) -> str:
        return obj.text[:100]

    def get_readonly_fields(self, request, obj=None):
        return ("organisation", "user", "kind", "text", "link") if obj else ()


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "day", "month", "rule", "active")
    list_filter = ("region", "active")
    list_editable = ("day", "month", "active")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditedPupilDataAdmin):
    list_display = ("created_at", "subject", "to", "state", "attempts", "last_error", "sent_at")
    list_filter = ("state",)
    search_fields = ("subject", "to")
    readonly_fields = ("subject", "to", "pupil", "state", "attempts", "last_error", "created_at", "sent_at")
    exclude = ("payload",)  # the content is not shown here (it may hold a password link)
    actions = ["resend"]

    def pupils_of(self, objs) -> set:
        return pupils_mailed(objs)  # a pupil's address is the pupil's data

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Opnieuw versturen"))
    def resend(self, request, queryset):
        from .tasks import deliver_mail

        failed = list(queryset.filter(state=OutgoingMail.State.FAILED).exclude(payload={}))
        OutgoingMail.objects.filter(pk__in=[m.pk for m in failed]).update(
            state=OutgoingMail.State.QUEUED, attempts=0, last_error=""
        )
        for mail in failed:
            queue_after_commit(deliver_mail, mail.pk)
        messages.info(
            request,
            ngettext(
                "%(count)d e-mail staat weer in de wachtrij.",
                "%(count)d e-mails staan weer in de wachtrij.",
                len(failed),
            )
            % {"count": len(failed)},
        )
