"""Verzuimmeldingen (the DUO verzuimloket's "Opvoeren verzuim"): a vo-school reports a pupil's absence to the
gemeente of the pupil's address (Leerplicht/RMC), which handles it. The school keeps its own locaties and melders.

A melding points to the pupil and goes with them on removal (cascade); otherwise it is kept five years after it was
closed (accounts.retention, category "verzuim").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation

TEXT_MAX = 2000


class Soort(models.TextChoices):
    """The legal kinds of absence a school reports (Leerplichtwet 1969)."""

    ONGEOORLOOFD_16U = "16uur", _("16 uur ongeoorloofd verzuim in 4 weken")
    LANGDURIG = "langdurig", _("Langdurig relatief verzuim (4 weken of langer)")
    LUXE = "luxe", _("Luxeverzuim (zonder toestemming op vakantie)")
    SIGNAAL = "signaal", _("Signaalverzuim / overig verzuim")
    RMC = "rmc", _("RMC: jongere zonder startkwalificatie die de school verlaat")


# The kinds whose period has an end the school knows (the 4 weeks counted, the days of the trip).
END_REQUIRED = frozenset({Soort.ONGEOORLOOFD_16U, Soort.LUXE})


class Reden(models.TextChoices):
    SPIJBELEN = "spijbelen", _("Spijbelen")
    ZIEKTE = "ziekte", _("Ziekmelding, twijfel aan de reden")
    THUIS = "thuis", _("Thuissituatie")
    SCHOOLMOEHEID = "schoolmoeheid", _("Schoolmoeheid")
    WERK = "werk", _("Werk")
    VAKANTIE = "vakantie", _("Vakantie buiten de schoolvakanties")
    ONBEKEND = "onbekend", _("Onbekend")
    ANDERS = "anders", _("Anders (zie toelichting)")


class Status(models.TextChoices):
    GEREGISTREERD = "geregistreerd", _("Geregistreerd")
    IN_BEHANDELING = "in_behandeling", _("In behandeling")
    AFGESLOTEN = "afgesloten", _("Afgesloten")
    INGETROKKEN = "ingetrokken", pgettext_lazy("verzuimmelding", "Ingetrokken")
    TER_KENNISGEVING = "ter_kennisgeving", _("Ter kennisgeving aangenomen")


CLOSED = frozenset({Status.AFGESLOTEN, Status.INGETROKKEN, Status.TER_KENNISGEVING})
# What the gemeente may set, from where (the school withdraws with its own action).
GEMEENTE_MOVES = {
    Status.GEREGISTREERD: (Status.IN_BEHANDELING, Status.AFGESLOTEN, Status.TER_KENNISGEVING),
    Status.IN_BEHANDELING: (Status.AFGESLOTEN, Status.TER_KENNISGEVING),
}


class Locatie(models.Model):
    """A location of a vo-school (BEHEER LOCATIES); a deactivated one stays on its old meldingen."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="verzuim_locaties")
    name = models.CharField(_("naam"), max_length=120)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["-active", "name", "pk"]
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")
        constraints = [
            models.UniqueConstraint(
                "school",
                Lower("name"),
                name="verzuim_locatie_unique_per_school",
                violation_error_message=_("Uw school heeft al een locatie met deze naam."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Melder(models.Model):
    """Someone of the school who reports absence (BEHEER MELDERS), chosen in the form instead of typed again."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="verzuim_melders")
    name = models.CharField(_("naam"), max_length=150)
    functie = models.CharField(_("functie"), max_length=100, blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["-active", "name", "pk"]
        verbose_name = _("melder")
        verbose_name_plural = _("melders")

    def __str__(self) -> str:
        return f"{self.name} ({self.functie})" if self.functie else self.name


class Counter(models.Model):
    """The last meldingsnummer given: one row, locked while the next number is taken (unique under concurrency)."""

    name = models.CharField(max_length=40, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class VerzuimMelding(models.Model):
    meldingsnummer = models.PositiveIntegerField(_("meldingsnummer"), unique=True, editable=False)
    pupil = models.ForeignKey(
        "students.Pupil", on_delete=models.CASCADE, related_name="verzuimmeldingen", verbose_name=_("leerling")
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    gemeente = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente"))
    leerlingnummer = models.CharField(_("leerlingnummer van de school"), max_length=20, blank=True)
    soort = models.CharField(_("vermoedelijke soort"), max_length=20, choices=Soort.choices)
    reden = models.CharField(_("vermoedelijke reden"), max_length=20, choices=Reden.choices)
    begin = models.DateField(_("begin verzuim"))
    eind = models.DateField(_("eind verzuim"), null=True, blank=True)
    alle_lessen_gemist = models.BooleanField(_("alle lessen gemist"), default=False)
    toelichting = models.TextField(_("toelichting verzuim"), max_length=TEXT_MAX, blank=True)
    actie_gewenst = models.BooleanField(_("actie gewenst"), default=False)
    toelichting_actie = models.TextField(_("toelichting actie gewenst"), max_length=TEXT_MAX, blank=True)
    locatie = models.ForeignKey(Locatie, on_delete=models.PROTECT, related_name="meldingen", verbose_name=_("locatie"))
    melder = models.ForeignKey(
        Melder, on_delete=models.PROTECT, null=True, blank=True, related_name="meldingen", verbose_name=_("melder")
    )
    melder_naam = models.CharField(_("naam melder"), max_length=150)
    melder_functie = models.CharField(_("functie melder"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.GEREGISTREERD)
    status_at = models.DateTimeField(_("status sinds"), default=timezone.now)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(_("ingevoerd door"), max_length=200)
    created_at = models.DateTimeField(_("ingevoerd op"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verzuimmelding")
        verbose_name_plural = _("verzuimmeldingen")
        indexes = [models.Index(fields=["gemeente", "status"]), models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(eind__isnull=True) | Q(eind__gte=models.F("begin")), name="verzuim_eind_na_begin"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meldingsnummer} · {self.get_soort_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def school_may_change(self) -> bool:
        return self.status == Status.GEREGISTREERD


class StatusChange(models.Model):
    """Each status with date, who and a note for the other side (the gemeente's note is read by the school)."""

    melding = models.ForeignKey(VerzuimMelding, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("door"), max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("toelichting"), max_length=TEXT_MAX, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.at:%d-%m-%Y}"


class Change(models.Model):
    """A change the school made while the melding was still Geregistreerd: which fields, from what to what."""

    melding = models.ForeignKey(VerzuimMelding, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("door"), max_length=200)
    fields = models.JSONField(_("wijzigingen"), default=dict)  # field label → [old, new], as shown

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("wijziging")
        verbose_name_plural = _("wijzigingen")

    def __str__(self) -> str:
        return f"{self.at:%d-%m-%Y %H:%M}"


def attachment_path(instance: Bijlage, filename: str) -> str:
    return f"verzuim/{instance.melding_id}/{instance.sha256[:16]}.pdf"


class Bijlage(models.Model):
    """A PDF with a melding (at most 3), checked like the doorstroomformulier's; stored outside the web root."""

    melding = models.ForeignKey(VerzuimMelding, on_delete=models.CASCADE, related_name="bijlagen")
    name = models.CharField(_("bestandsnaam"), max_length=150)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self) -> str:
        return self.name
