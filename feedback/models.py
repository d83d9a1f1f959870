"""The mbo feedback feed: tokens, batches as received (sealed), what each batch did, rows that wait for a pupil.

Nothing here holds a BSN in plain text: a batch's bytes are compressed and sealed with the BSN keys
(``feedback/payload.py``); a waiting row keeps the BSN only as its keyed blind index and, for a change of the
index key, encrypted (``students.bsn``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from students.models import Status


class FeedToken(models.Model):
    """A bearer token with which one mbo-school pushes batches. Only its SHA-256 is kept; revoked, it stops working."""

    mbo_school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    name = models.CharField(
        _("omschrijving"), max_length=100, help_text=_("Waarvoor het token dient, bijv. “Koppeling Eduarte”.")
    )
    prefix = models.CharField(_("begin van het token"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["mbo_school__name", "-created_at"]
        verbose_name = _("token voor de terugkoppeling")
        verbose_name_plural = _("tokens voor de terugkoppeling")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Transport(models.TextChoices):
    # As the report reads: "ontvangen via …"
    API = "api", _("de koppeling (API)")
    INBOX = "inbox", _("het postvak (SFTP)")
    COMMAND = "command", _("de servicedesk (ingelezen)")
    RERUN = "rerun", _("de servicedesk (opnieuw verwerkt)")


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class BatchState(models.TextChoices):
    RECEIVED = "received", _("ontvangen")
    PROCESSING = "processing", _("wordt verwerkt")
    DONE = "done", _("verwerkt")
    FAILED = "failed", _("niet leesbaar")
    ERROR = "error", _("onderbroken")
    # Adds aanmeldingen for unusually many pupils new to the school (FEEDBACK_HOLD_NEW_PUPILS): nothing applied
    # until the servicedesk releases it (admin: vrijgeven) or discards it (afwijzen).
    HELD = "held", _("wacht op servicedesk")
    DISCARDED = "discarded", _("afgewezen door de servicedesk")


FINISHED_STATES = (BatchState.DONE, BatchState.FAILED, BatchState.DISCARDED)


class Batch(models.Model):
    """One delivery from one mbo-school, stored as received (sealed) before any row is read, with its report."""

    mbo_school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="feed_batches",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    transport = models.CharField(_("hoe ontvangen"), max_length=10, choices=Transport.choices)
    sender = models.CharField(_("afzender"), max_length=200, blank=True, help_text=_("Token, postvak of gebruiker."))
    token = models.ForeignKey(
        FeedToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="batches", verbose_name=_("token")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door (servicedesk)"),
    )
    filename = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    format = models.CharField(_("formaat"), max_length=4, choices=Format.choices, default=Format.CSV)
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now, db_index=True)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    # The received bytes, zlib-compressed and sealed (feedback/payload.py); empty when too large to accept.
    payload = models.BinaryField(null=True, blank=True, editable=False)
    payload_key_id = models.CharField(max_length=20, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gelijk aan levering"),
        help_text=_("Een eerdere levering van deze school met precies dezelfde inhoud (dezelfde SHA-256)."),
    )
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns", verbose_name=_("herhaling van")
    )

    state = models.CharField(_("stand"), max_length=12, choices=BatchState.choices, default=BatchState.RECEIVED)
    failure = models.TextField(_("reden"), blank=True)
    rows_read = models.PositiveIntegerField(_("regels gelezen"), default=0)
    rows_new = models.PositiveIntegerField(_("nieuw"), default=0)
    rows_updated = models.PositiveIntegerField(_("bijgewerkt"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("ongewijzigd"), default=0)
    # New, updated and unchanged count rows waiting for their pupil as if it were known (services._as_if_matched);
    # how many of them wait is for the servicedesk only.
    rows_unmatched = models.PositiveIntegerField(_("waarvan leerling onbekend"), default=0)
    rows_rejected = models.PositiveIntegerField(_("afgewezen"), default=0)
    rows_waiting = models.PositiveIntegerField(_("wacht op opleiding"), default=0)
    warnings = models.PositiveIntegerField(_("waarschuwingen"), default=0)
    # Progress: the rows are parsed (and rejected ones recorded) once; then chunks, each in its own transaction.
    parsed = models.BooleanField(default=False, editable=False)
    chunks_total = models.PositiveIntegerField(default=0, editable=False)
    # The chunk size the batch was cut with: a run that continues after a crash cuts it the same way, whatever
    # FEEDBACK_CHUNK_ROWS says by then.
    chunk_rows = models.PositiveIntegerField(default=0, editable=False)
    chunks_done = models.PositiveIntegerField(default=0, editable=False)
    rows_done = models.PositiveIntegerField(default=0, editable=False)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0, editable=False)
    started_at = models.DateTimeField(_("verwerking begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("verwerking klaar"), null=True, blank=True)
    # Held (BatchState.HELD): how many pupils new to the school it would add; then who of the servicedesk released
    # or discarded it, and when.
    new_pupils = models.PositiveIntegerField(_("nieuwe leerlingen voor de school"), null=True, blank=True)
    decided_at = models.DateTimeField(_("besluit servicedesk op"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("besluit servicedesk door"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("levering")
        verbose_name_plural = _("leveringen")
        indexes = [models.Index(fields=["mbo_school", "-received_at"])]

    def __str__(self) -> str:
        return _("Levering %(id)s van %(school)s") % {"id": self.pk, "school": self.mbo_school.name}

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def seconds(self) -> float | None:
        duration = self.duration
        return duration.total_seconds() if duration else None

    @property
    def line_word(self) -> str:
        """How the sender counts: lines of a CSV file (header = line 1), rows of a JSON ``rows`` list."""
        return str(_("rij")) if self.format == Format.JSON else str(_("regel"))

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.chunks_done / self.chunks_total) if self.chunks_total else 0

    @property
    def nothing_changed(self) -> bool:
        return self.state == BatchState.DONE and not (self.rows_new or self.rows_updated)

    @property
    def held(self) -> bool:
        return self.state == BatchState.HELD


class LineKind(models.TextChoices):
    REJECTED = "rejected", _("afgewezen")
    UNMATCHED = "unmatched", _("wacht op leerling")
    WAITING = "waiting", _("wacht op opleiding")
    WARNING = "warning", _("waarschuwing")


# What the mbo-school reads of its reports (API and page): not whether a row waits for its pupil (rows_unmatched).
REPORTED_LINE_KINDS = (LineKind.REJECTED, LineKind.WAITING, LineKind.WARNING)


class WaitsFor(models.TextChoices):
    PUPIL = "pupil", _("leerling")
    OPLEIDING = "opleiding", _("opleiding")


class BatchLine(models.Model):
    """A line of a batch that needs the sender's attention: rejected (with the reason), waiting, or a warning.

    Named by line number and the mbo-school's ``aanmelding_id``; never by BSN.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField(_("regel"))
    aanmelding_id = models.CharField(_("aanmelding_id"), max_length=64, blank=True)
    kind = models.CharField(_("soort"), max_length=10, choices=LineKind.choices)
    field = models.CharField(_("veld"), max_length=40, blank=True)
    reason = models.TextField(_("reden"))

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("regel met een opmerking")
        verbose_name_plural = _("regels met een opmerking")
        indexes = [models.Index(fields=["batch", "kind", "line"])]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason[:60]}"


class WaitingRow(models.Model):
    """A valid row whose BSN matched no pupil, or whose opleiding (crebo) is not in the school's catalogue: kept,
    and applied the moment a school adds that pupil or the opleiding is added to the catalogue."""

    mbo_school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="feed_waiting_rows", verbose_name=_("mbo-school")
    )
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="waiting_rows", verbose_name=_("levering"))
    line = models.PositiveIntegerField(_("regel"))
    aanmelding_id = models.CharField(_("aanmelding_id"), max_length=64)
    waits_for = models.CharField(
        _("wacht op"), max_length=10, choices=WaitsFor.choices, default=WaitsFor.PUPIL, editable=False
    )
    bsn_index = models.CharField(max_length=64, db_index=True, editable=False)
    # Only so that a new BSN_INDEX_KEY can recompute bsn_index (rotate_feedback_keys); never shown.
    bsn_encrypted = models.CharField(max_length=120, editable=False)
    crebo = models.CharField(_("crebo"), max_length=5)
    opleiding = models.CharField(_("opleiding"), max_length=200, blank=True)
    niveau = models.PositiveSmallIntegerField(_("niveau"), null=True, blank=True)
    leerweg = models.CharField(_("leerweg"), max_length=3, blank=True)
    locatie = models.CharField(_("locatie"), max_length=150, blank=True)
    cohort = models.PositiveSmallIntegerField(_("cohort"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    status_at = models.DateTimeField(_("statusdatum"))
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    matched_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    pupil = models.ForeignKey(
        "students.Pupil", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("leerling")
    )
    outcome = models.CharField(_("uitkomst"), max_length=300, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("wachtende regel")
        verbose_name_plural = _("wachtende regels")
        constraints = [
            # The same row sent again (the next day's full list) waits once.
            models.UniqueConstraint(
                fields=["mbo_school", "aanmelding_id", "status", "status_at"],
                condition=Q(matched_at__isnull=True),
                name="waiting_row_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aanmelding_id} ({self.get_status_display()})"

    def __repr__(self) -> str:
        return f"<WaitingRow {self.pk}>"
