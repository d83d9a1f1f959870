"""What was sent: an immutable snapshot per sent version, and to which mbo-schools it went."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind

from .declaration import Declaration


class Snapshot(models.Model):
    """A sent version as the mbo received it: its answers (the shown fields only), the pupil record of that
    moment and its attachments. Written once, never changed."""

    form = models.OneToOneField("doorstroom.Formulier", on_delete=models.CASCADE, related_name="snapshot")
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="snapshots")
    answers = models.JSONField()
    record = models.JSONField()
    approved_by_name = models.CharField(_("geaccordeerd door"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("geaccordeerd op"), null=True)
    # The consent of the pupil and the parents this version was sent on (consent.py): the answer, who last
    # saved that answer and when, and the version of the form it belongs to. Empty on a snapshot from before
    # the consent was recorded.
    consent_answer = models.CharField(_("toestemming voor doorsturen"), max_length=40, blank=True)
    consent_by_name = models.CharField(_("toestemming vastgelegd door"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("toestemming vastgelegd op"), null=True, blank=True)
    consent_version = models.PositiveSmallIntegerField(_("toestemming voor versie"), null=True, blank=True)
    # The pupil's "extra aandacht onderwijskeuzeproces" as it was when this version was sent (students/passed_on.py).
    extra_aandacht = models.TextField(_("extra aandacht onderwijskeuzeproces"), blank=True)
    created_at = models.DateTimeField(_("verzonden op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verzonden formulier")
        verbose_name_plural = _("verzonden formulieren")

    def __str__(self) -> str:
        return str(self.form)

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and Snapshot.objects.filter(pk=self.pk).exists():
            raise ValidationError(_("Een verzonden formulier verandert niet meer."))
        super().save(*args, **kwargs)

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_answer)


class Delivery(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="deliveries")
    mbo_school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="received_forms",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    delivered_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at", "-pk"]
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        constraints = [models.UniqueConstraint(fields=["snapshot", "mbo_school"], name="delivery_once_per_mbo_school")]

    def __str__(self) -> str:
        return f"{self.snapshot} → {self.mbo_school}"
