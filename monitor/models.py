"""The monitor's settings per region: the norm the share of aangemelde pupils is measured against on 1 April."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_AANGEMELD_NORM = 95  # regional practice: 95 % of vmbo pupils aangemeld by 1 April


class RegionNorm(models.Model):
    """A region's norm for the monitor (editable by the servicedesk in admin); a region without one uses 95 %."""

    region = models.CharField(_("regio"), max_length=60, unique=True)
    aangemeld_norm = models.PositiveSmallIntegerField(
        _("norm aangemeld op 1 april (%)"),
        default=DEFAULT_AANGEMELD_NORM,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Welk deel van de leerlingen op de aanmelddatum aangemeld moet zijn, in procenten."),
    )

    class Meta:
        ordering = ["region"]
        verbose_name = _("norm van de monitor")
        verbose_name_plural = _("normen van de monitor")

    def __str__(self) -> str:
        return f"{self.region}: {self.aangemeld_norm} %"


def aangemeld_norm(region: str) -> int:
    found = RegionNorm.objects.filter(region=region).values_list("aangemeld_norm", flat=True).first()
    return found or DEFAULT_AANGEMELD_NORM
