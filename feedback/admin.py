"""The servicedesk's view of the feed: tokens (shown once, revocable), every batch with its report and a
re-run action, the inbox on demand, and the rows waiting for a pupil (never with their BSN)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Organisation, OrganisationKind
from students.admin_mixins import AuditedPupilDataAdmin, BsnSearchAdmin

from .models import Batch, BatchLine, FeedToken, WaitingRow
from .selectors import pupils_named_by
from .services import discard, release, rerun
from .tokens import create_token, revoke_token


class FeedTokenForm(forms.ModelForm):
    class Meta:
        model = FeedToken
        fields = ("mbo_school", "name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mbo_school" in self.fields:
            self.fields["mbo_school"].queryset = Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL)  # type: ignore[attr-defined]

    def clean_mbo_school(self):
        school = self.cleaned_data["mbo_school"]
        if not school.connected:
            raise forms.ValidationError(
                _(
                    "%(school)s is niet gekoppeld. Zet eerst “gekoppeld” aan bij de organisatie; anders weigert de API het token."
                )
                % {"school": school.name}
            )
        return school


class EmptyOrFilledFilter(admin.SimpleListFilter):
    """Whether ``field`` (a date and time) is still empty or filled in; ``empty`` and ``filled`` are (value, label)."""

    field: str
    empty: tuple[str, Promise]
    filled: tuple[str, Promise]

    def lookups(self, request, model_admin):
        return [self.empty, self.filled]

    def queryset(self, request, queryset):
        if self.value() == self.empty[0]:
            return queryset.filter(**{f"{self.field}__isnull": True})
        if self.value() == self.filled[0]:
            return queryset.filter(**{f"{self.field}__isnull": False})
        return queryset


class ActiveFilter(EmptyOrFilledFilter):
    title = _("geldig")
    parameter_name = "geldig"
    field = "revoked_at"
    empty, filled = ("ja", _("Ja")), ("nee", _("Ingetrokken"))


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """A token is shown once, right after it is made; VOROC keeps only its hash. Revoke instead of delete."""

    form = FeedTokenForm
    list_display = (
        "name",
        "mbo_school",
        "prefix_display",
        "created_at",
        "last_used_at",
        "active_display",
        "revoked_at",
    )
    list_filter = (ActiveFilter, "mbo_school")
    list_select_related = ("mbo_school",)
    search_fields = ("name", "prefix", "mbo_school__name", "mbo_school__code")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("mbo_school", "name")
        return (
            "mbo_school",
            "name",
            "prefix_display",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("mbo_school", "prefix_display", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")

    @admin.display(description=_("token begint met"))
    def prefix_display(self, obj: FeedToken) -> str:
        return f"{obj.prefix}…"

    @admin.display(description=_("geldig"), boolean=True)
    def active_display(self, obj: FeedToken) -> bool:
        return obj.active

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = create_token(
            school=form.cleaned_data["mbo_school"], name=form.cleaned_data["name"], by=request.user
        )
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        request._feed_token_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_feed_token_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Token aangemaakt"),
            "token": obj,
            "secret": secret,
            "api_url": request.build_absolute_uri(reverse("feedback_api:batches")),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/feedback/feedtoken/created.html", context)

    @admin.action(description=_("Token intrekken (werkt daarna niet meer)"))
    def revoke(self, request, queryset: QuerySet[FeedToken]):
        count = sum(revoke_token(token=token, by=request.user) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token ingetrokken.", "%(count)d tokens ingetrokken.", count) % {"count": count},
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke: the batches keep naming the token they came with


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    """Every batch of every mbo-school with its report. The file itself is never shown (it holds BSNs)."""

    list_display = ("number", "mbo_school", "received_at", "transport", "state", "report_display", "duration_display")
    list_display_links = ("number", "received_at")
    list_filter = ("state", "transport", "mbo_school")
    list_select_related = ("mbo_school",)
    search_fields = ("filename", "checksum", "sender")
    date_hierarchy = "received_at"
    actions = ["run_again", "release_held", "discard_held"]
    change_list_template = "admin/feedback/batch/change_list.html"
    fieldsets = (
        (None, {"fields": ("mbo_school", "state", "failure", "lines_link")}),
        (_("Wacht op servicedesk"), {"fields": ("new_pupils", "decided_at", "decided_by")}),
        (
            _("Verslag"),
            {
                "fields": (
                    "rows_read",
                    "rows_new",
                    "rows_updated",
                    "rows_unchanged",
                    "rows_unmatched",
                    "rows_waiting",
                    "rows_rejected",
                    "warnings",
                    "started_at",
                    "finished_at",
                    "duration_display",
                    "progress_display",
                )
            },
        ),
        (
            _("Ontvangen"),
            {
                "fields": (
                    "received_at",
                    "transport",
                    "sender",
                    "token",
                    "created_by",
                    "filename",
                    "format",
                    "size",
                    "checksum",
                    "duplicate_of",
                    "rerun_of",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a report is what happened; it is read, not edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # batches go when their retention period ends (purge_expired, feed_batches)

    @admin.display(description=_("nr."), ordering="pk")
    def number(self, obj: Batch) -> int:
        return obj.pk

    @admin.display(description=_("verslag"))
    def report_display(self, obj: Batch) -> str:
        if obj.failure:
            return obj.failure[:120]
        return _(
            "%(read)s gelezen: %(new)s nieuw, %(updated)s bijgewerkt, %(unchanged)s ongewijzigd, "
            "%(waiting)s opleiding onbekend, %(rejected)s afgewezen; waarvan %(unmatched)s leerling onbekend"
        ) % {
            "waiting": obj.rows_waiting,
            "read": obj.rows_read,
            "new": obj.rows_new,
            "updated": obj.rows_updated,
            "unchanged": obj.rows_unchanged,
            "unmatched": obj.rows_unmatched,
            "rejected": obj.rows_rejected,
        }

    @admin.display(description=_("duur"))
    def duration_display(self, obj: Batch) -> str:
        duration = obj.duration
        return f"{duration.total_seconds():.1f} s".replace(".", ",") if duration else "–"

    @admin.display(description=_("voortgang"))
    def progress_display(self, obj: Batch) -> str:
        return _("%(done)s van %(total)s delen, %(attempts)s poging(en)") % {
            "done": obj.chunks_done,
            "total": obj.chunks_total,
            "attempts": obj.attempts,
        }

    @admin.display(description=_("regels met een opmerking"))
    def lines_link(self, obj: Batch) -> str:
        url = reverse("admin:feedback_batchline_changelist") + f"?batch__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Afgewezen, wachtende en gewaarschuwde regels"))

    @admin.action(description=_("Opnieuw verwerken"))
    def run_again(self, request, queryset: QuerySet[Batch]):
        started = []
        for batch in queryset.select_related("mbo_school"):
            try:
                started.append(rerun(batch=batch, by=request.user))
            except ValueError:
                self.message_user(
                    request,
                    _(
                        "Levering %(id)s is geweigerd voordat ze gelezen werd (te groot); er is niets om opnieuw te verwerken."
                    )
                    % {"id": batch.pk},
                    messages.WARNING,
                )
        if started:
            self.message_user(
                request,
                _(
                    "Opnieuw gestart: %(batches)s. Een afgeronde levering wordt als nieuwe levering verwerkt; haar oude verslag blijft."
                )
                % {"batches": ", ".join(str(b.pk) for b in started)},
            )

    @admin.action(description=_("Vrijgeven (levering die wacht op de servicedesk alsnog verwerken)"))
    def release_held(self, request, queryset: QuerySet[Batch]):
        done = [batch.pk for batch in queryset.order_by("pk") if release(batch=batch, by=request.user)]
        self._decided(request, queryset, done, _("Vrijgegeven en wordt verwerkt: %(batches)s."))

    @admin.action(description=_("Afwijzen (levering die wacht op de servicedesk niet verwerken)"))
    def discard_held(self, request, queryset: QuerySet[Batch]):
        done = [batch.pk for batch in queryset.order_by("pk") if discard(batch=batch, by=request.user)]
        self._decided(request, queryset, done, _("Afgewezen: %(batches)s. Er is niets van verwerkt."))

    def _decided(self, request, queryset: QuerySet[Batch], done: list[int], text: Promise) -> None:
        if done:
            self.message_user(request, text % {"batches": ", ".join(map(str, done))})
        others = sorted(set(queryset.values_list("pk", flat=True)) - set(done))
        if others:
            self.message_user(
                request,
                _("Niet gewijzigd, want ze wachten niet op de servicedesk: %(batches)s.")
                % {"batches": ", ".join(map(str, others))},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path("postvak-ophalen/", self.admin_site.admin_view(self.pickup_view), name="feedback_batch_pickup"),
            *super().get_urls(),
        ]

    def pickup_view(self, request):
        return require_POST(self._pickup)(request)

    def _pickup(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from .tasks import pickup_inbox

        pickup_inbox.delay()
        self.message_user(request, _("Het postvak wordt nu opgehaald; nieuwe leveringen verschijnen hieronder."))
        return redirect("admin:feedback_batch_changelist")


@admin.register(BatchLine)
class BatchLineAdmin(AuditedPupilDataAdmin):
    """A report's lines name aanmeldingen by the mbo-school's aanmelding_id: the pupils behind them are recorded."""

    list_display = ("batch", "line", "aanmelding_id", "kind", "field", "reason")
    list_filter = ("kind",)
    list_select_related = ("batch", "batch__mbo_school")
    search_fields = ("aanmelding_id", "reason")
    list_per_page = 200

    def get_queryset(self, request):
        return super().get_queryset(request).defer("batch__payload")  # the sealed file, megabytes per line

    def pupils_of(self, objs) -> set:
        return set(pupils_named_by((line.batch.mbo_school_id, line.aanmelding_id) for line in objs))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MatchedFilter(EmptyOrFilledFilter):
    title = _("verwerkt")
    parameter_name = "verwerkt"
    field = "matched_at"
    empty, filled = ("nee", _("Wacht nog")), ("ja", _("Verwerkt"))


@admin.register(WaitingRow)
class WaitingRowAdmin(BsnSearchAdmin, AuditedPupilDataAdmin):
    """Rows that wait for a pupil or for an opleiding in the catalogue. Find one by a full BSN (through the blind index); the BSN is never shown.
    A row that found its pupil names it (audit log); one still waiting names nobody VOROC knows."""

    list_display = (
        "aanmelding_id",
        "mbo_school",
        "waits_for",
        "crebo",
        "status",
        "status_at",
        "batch",
        "line",
        "received_at",
        "matched_at",
        "outcome",
    )
    list_filter = (MatchedFilter, "waits_for", "mbo_school")
    list_select_related = ("mbo_school", "batch", "pupil")
    search_fields = ("aanmelding_id",)
    search_help_text = _("Zoek op aanmelding_id of een volledig BSN (9 cijfers).")
    exclude = ("bsn_index", "bsn_encrypted")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("batch__payload")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
