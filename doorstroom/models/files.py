"""Attachments (PDF only). The bytes live once per content in a StoredFile, outside the web root (the media
store, which no URL serves); a form's attachment and the snapshot the mbo received both point to it, so
removing an attachment from a correction leaves what the mbo received intact."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def blob_path(instance: StoredFile, filename: str) -> str:
    # Named by content hash: no pupil name or number in the path.
    return f"doorstroom/{instance.sha256[:2]}/{instance.sha256}.pdf"


class StoredFile(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=blob_path, max_length=200)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opgeslagen bestand")
        verbose_name_plural = _("opgeslagen bestanden")

    def __str__(self) -> str:
        return self.sha256[:12]

    @property
    def referenced(self) -> bool:
        return self.attachments.exists() or self.snapshot_attachments.exists()


class SavedAttachments(models.Manager):
    """What a form holds: the saved attachments, not one that is still in somebody's working copy."""

    def get_queryset(self):
        return super().get_queryset().filter(pending_for=None)


class Attachment(models.Model):
    """A PDF of a form. One added while filling in belongs to that user's working copy (``pending_for``) until
    "Opslaan"; "Annuleer" drops it with the rest of the working copy."""

    form = models.ForeignKey("doorstroom.Formulier", on_delete=models.CASCADE, related_name="attachments")
    field = models.CharField(_("veld"), max_length=40)
    name = models.CharField(_("bestandsnaam"), max_length=150)
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_name = models.CharField(_("toegevoegd door"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)
    pending_for = models.ForeignKey(
        "doorstroom.FormDraft", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )

    with_pending = models.Manager()
    objects = SavedAttachments()  # the default manager, so also what ``form.attachments`` gives

    class Meta:
        default_manager_name = "objects"
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> int:
        return self.blob.size


class SnapshotAttachment(models.Model):
    """An attachment as the mbo received it."""

    snapshot = models.ForeignKey("doorstroom.Snapshot", on_delete=models.CASCADE, related_name="attachments")
    field = models.CharField(max_length=40)
    name = models.CharField(max_length=150)
    size = models.PositiveIntegerField()
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="snapshot_attachments")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("verzonden bijlage")
        verbose_name_plural = _("verzonden bijlagen")

    def __str__(self) -> str:
        return self.name
