"""A file made in the background (a long overview, a bundle of forms), with its progress and result.

``kind`` says what is made: the overview (students/exports.py) or what another app registered with
``students.exports.register_runner`` (doorstroom: every complete doorstroomformulier in one ZIP).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPORT_LIFETIME = datetime.timedelta(hours=24)


def _expiry() -> datetime.datetime:
    return timezone.now() + EXPORT_LIFETIME


class ExportJob(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("wacht op zijn beurt")
        RUNNING = "running", _("wordt gemaakt")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    OVERVIEW = "overzicht"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, default=OVERVIEW)
    title = models.CharField(max_length=200, blank=True)  # what the progress page calls it
    params = models.JSONField(default=dict)  # the overview's choices (group, search, …) and the format
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The pupils whose data the file holds, as [id, school id] pairs: each download is recorded with them.
    pupils_in_file = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_expiry)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.filename or f"export {self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state == self.State.DONE else 0)

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
