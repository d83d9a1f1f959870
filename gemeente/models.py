"""The gemeente's side (Leerplicht/RMC): remarks on pupils who live in it, and the cases schools and mbo-schools
report to it — De Overstap, risicomeldingen (dreigende uitval) and niet verschenen — with their status and contact log.

Everything here points to the pupil and goes with them on removal (cascade). A remark or case keeps the gemeente it
was written for: when the pupil moves, it stays with that gemeente and is not shown to the new one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

REMARK_MAX = 2000
NOTE_MAX = 2000
EDIT_WINDOW = datetime.timedelta(hours=24)


class Remark(models.Model):
    """A "Gemeente opmerking": written by a gemeente user, read by the pupil's decaan(s) and mentor(s)."""

    pupil = models.ForeignKey(
        "students.Pupil", on_delete=models.CASCADE, related_name="gemeente_remarks", verbose_name=_("leerling")
    )
    gemeente = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("geschreven door"), max_length=200)
    text = models.TextField(_("opmerking"), max_length=REMARK_MAX)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    edited_at = models.DateTimeField(_("gewijzigd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gemeente-opmerking")
        verbose_name_plural = _("gemeente-opmerkingen")
        indexes = [models.Index(fields=["pupil", "gemeente"])]

    def __str__(self) -> str:
        return f"{self.gemeente} · {self.created_at:%d-%m-%Y}"

    def editable_until(self) -> datetime.datetime:
        return self.created_at + EDIT_WINDOW

    def may_edit(self, user, now: datetime.datetime | None = None) -> bool:
        """Its author, for 24 hours; after that it is fixed."""
        return user.pk is not None and self.author_id == user.pk and (now or timezone.now()) < self.editable_until()


class CaseKind(models.TextChoices):
    OVERSTAP = "overstap", _("De Overstap")
    RISICO = "risico", _("Risicomelding (dreigende uitval)")
    NIET_VERSCHENEN = "niet_verschenen", _("Niet verschenen op het mbo")


class CaseStatus(models.TextChoices):
    ONTVANGEN = "ontvangen", _("Ontvangen")
    IN_BEHANDELING = "in_behandeling", _("In behandeling")
    AFGESLOTEN = "afgesloten", _("Afgesloten")


class Outcome(models.TextChoices):
    GEPLAATST_MBO = "geplaatst_mbo", _("Geplaatst op het mbo")
    HAVO = "havo", _("Naar havo")
    WERK = "werk", _("Aan het werk")
    DAGBESTEDING = "dagbesteding", _("Dagbesteding")
    GEEN_CONTACT = "geen_contact", _("Geen contact gekregen")
    VERHUISD = "verhuisd", _("Verhuisd")
    ANDERS = "anders", _("Anders")


class RiskReason(models.TextChoices):
    VERZUIM = "verzuim", _("Veel verzuim")
    MOTIVATIE = "motivatie", _("Weinig motivatie of geen beroepsbeeld")
    RESULTATEN = "resultaten", _("Onvoldoende resultaten, diploma in gevaar")
    THUISSITUATIE = "thuissituatie", _("Problemen thuis")
    GEZONDHEID = "gezondheid", _("Psychische of lichamelijke klachten")
    GEEN_AANMELDING = "geen_aanmelding", _("Nog geen aanmelding bij een vervolgopleiding")
    ANDERS = "anders", _("Anders")


class Case(models.Model):
    """Something a school or an mbo-school reported to the gemeente about one pupil; the gemeente handles it."""

    kind = models.CharField(_("soort"), max_length=20, choices=CaseKind.choices)
    pupil = models.ForeignKey(
        "students.Pupil", on_delete=models.CASCADE, related_name="gemeente_cases", verbose_name=_("leerling")
    )
    gemeente = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente"))
    reported_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeld door (organisatie)")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_by_name = models.CharField(_("gemeld door"), max_length=200)
    reported_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    school_year = models.PositiveSmallIntegerField(_("schooljaar"))
    reason = models.CharField(_("reden"), max_length=20, choices=RiskReason.choices, blank=True)
    remark = models.TextField(_("toelichting voor de gemeente"), max_length=REMARK_MAX, blank=True)
    aanmelding = models.ForeignKey(
        "students.Aanmelding",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aanmelding (niet verschenen)"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ONTVANGEN)
    status_at = models.DateTimeField(_("status sinds"), default=timezone.now)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("toelichting uitkomst"), max_length=300, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("melding aan de gemeente")
        verbose_name_plural = _("meldingen aan de gemeente")
        indexes = [models.Index(fields=["gemeente", "kind", "status"])]
        constraints = [
            # One open Overstap-aanmelding per pupil per school year (a second is refused by the service; this
            # holds also for two at once).
            models.UniqueConstraint(
                fields=["pupil", "school_year"],
                condition=Q(kind="overstap") & ~Q(status="afgesloten"),
                name="one_open_overstap_per_pupil_year",
            ),
            # One open risicomelding per pupil from one school (a double click, or a colleague who did it already).
            models.UniqueConstraint(
                fields=["pupil", "reported_by_organisation"],
                condition=Q(kind="risico") & ~Q(status="afgesloten"),
                name="one_open_risico_per_pupil_school",
            ),
            models.UniqueConstraint(
                fields=["pupil", "kind", "aanmelding"],
                condition=Q(kind="niet_verschenen"),
                name="niet_verschenen_once_per_aanmelding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.reported_at:%d-%m-%Y}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.AFGESLOTEN


class CaseStatusChange(models.Model):
    """The history of a case's status, shown to the gemeente and (without notes) to the school."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("door"), max_length=200)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.at:%d-%m-%Y}"


class ContactKind(models.TextChoices):
    GESPREK = "gesprek", _("Gesprek")
    TELEFOON = "telefoon", _("Telefoon")
    HUISBEZOEK = "huisbezoek", _("Huisbezoek")
    BRIEF = "brief", _("Brief")


class Contact(models.Model):
    """The gemeente's contact log of a case; for the gemeente only (the school sees status and outcome)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("datum"))
    kind = models.CharField(_("soort contact"), max_length=20, choices=ContactKind.choices)
    note = models.TextField(_("notitie"), max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("door"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date:%d-%m-%Y}"
