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


def report_path(report: MonthlyReport, filename: str) -> str:
    """Where a report's files are kept: in the media store, as the background exports are (students.ExportJob)."""
    return f"rapportages/{report.peildatum:%Y/%m}/{filename}"


class MonthlyReport(models.Model):
    """The monthly report "zonder startkwalificatie / zonder schoolbestemming" of one gemeente on one peildatum.

    Made by ``monitor.tasks.make_monthly_reports`` (monitor/reports.py says what it holds); removed with its files
    three months after its peildatum (retention category ``maandrapportages``, monitor/privacy.py).
    """

    gemeente = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="monthly_reports", verbose_name=_("gemeente")
    )
    peildatum = models.DateField(_("peildatum"))
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    excel = models.FileField(_("Excel-bestand"), upload_to=report_path, max_length=200, blank=True)
    pdf = models.FileField(_("PDF-bestand"), upload_to=report_path, max_length=200, blank=True)
    zonder_startkwalificatie = models.PositiveIntegerField(_("zonder startkwalificatie"), default=0)
    zonder_bestemming = models.PositiveIntegerField(_("zonder schoolbestemming"), default=0)
    # The pupils whose data the files hold, as [id, school id] pairs: each download is recorded with them, and a
    # pupil removed completely (AVG) is taken out of the files (monitor/privacy.py).
    pupils_in_file = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-peildatum", "gemeente__name"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "peildatum"], name="monitor_one_report_per_gemeente_per_month")
        ]
        verbose_name = _("maandrapportage")
        verbose_name_plural = _("maandrapportages")

    def __str__(self) -> str:
        return f"{self.gemeente} {self.peildatum:%d-%m-%Y}"

    @property
    def pupil_count(self) -> int:
        return len(self.pupils_in_file)
