"""An import of pupils from the school's administration system, between upload and the end of its report.

The uploaded file is read once and deleted at once; what the preview needs (the headings and the cells of each
row) is kept here compressed and sealed with the BSN keys (``students.bsn.encrypt_bytes``), never in plain text,
for an hour. After the import the sealed rows go and only the report stays (counts, line numbers, names and
reasons: no BSN), until the session expires.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

PREVIEW_LIFETIME = datetime.timedelta(hours=1)
REPORT_LIFETIME = datetime.timedelta(hours=24)


def _preview_expiry() -> datetime.datetime:
    return timezone.now() + PREVIEW_LIFETIME


class PupilImport(models.Model):
    class State(models.TextChoices):
        PREVIEW = "preview", _("klaar om te controleren")
        RUNNING = "running", _("wordt ingelezen")
        DONE = "done", _("ingelezen")
        FAILED = "failed", _("mislukt")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    file_kind = models.CharField(max_length=10)  # csv, xlsx, edexml
    # The parsed rows (headings and cells), zlib-compressed and sealed; emptied once the import ran.
    payload = models.BinaryField(editable=False, default=b"")
    key_id = models.CharField(max_length=20, blank=True, editable=False)
    row_count = models.PositiveIntegerField(default=0)
    # {column index: VOROC field}, the optional filter (a column index and a pattern such as "4*").
    mapping = models.JSONField(default=dict, blank=True)
    filter_column = models.IntegerField(null=True, blank=True)
    filter_value = models.CharField(max_length=60, blank=True)
    mapping_confirmed = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # What the import did: counts, the lines with their outcome and reason, the pupils missing from the file.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_preview_expiry)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("leerlingimport")
        verbose_name_plural = _("leerlingimports")

    def __str__(self) -> str:
        return f"import {self.pk}"

    def __repr__(self) -> str:
        return f"<PupilImport {self.pk}>"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class ImportMapping(models.Model):
    """The school's last confirmed column mapping: {folded heading: VOROC field}, and its filter."""

    school = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    filter_heading = models.CharField(max_length=100, blank=True)
    filter_value = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kolomindeling van een import")
        verbose_name_plural = _("kolomindelingen van imports")

    def __str__(self) -> str:
        return f"kolomindeling {self.school_id}"
