"""Aanmeldingen with their status history, destinations outside the connected mbo (Elders), flag history."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind

from .catalogue import Opleiding
from .pupil import Pupil

MAX_AANMELDINGEN_PER_MBO_SCHOOL = 2  # procedure Haaglanden: at most two opleidingen at one mbo-school
NOTE_MAX = 1000  # a toelichting with a status or an Elders destination: a few sentences, not a document


class Status(models.IntegerChoices):
    """The seven statuses of the handleiding, in their order on the status row."""

    NIET_INGESCHREVEN = 1, _("Nog niet ingeschreven")
    ONTVANGSTBEVESTIGING = 2, _("Ontvangstbevestiging inschrijving")
    INTAKE = 3, _("Intakegesprek")
    INTAKE_GEANNULEERD = 4, _("Intake geannuleerd")
    NEGATIEF_BESLUIT = 5, _("Negatief plaatsingsbesluit")
    POSITIEF_BESLUIT = 6, _("Positief plaatsingsbesluit")
    DEFINITIEF = 7, _("Definitieve keuze")


# The feed's codes (feedback-feed.md) for each status.
STATUS_CODES = {
    "NIET_INGESCHREVEN": Status.NIET_INGESCHREVEN,
    "ONTVANGSTBEVESTIGING": Status.ONTVANGSTBEVESTIGING,
    "INTAKE": Status.INTAKE,
    "INTAKE_GEANNULEERD": Status.INTAKE_GEANNULEERD,
    "NEGATIEF_BESLUIT": Status.NEGATIEF_BESLUIT,
    "POSITIEF_BESLUIT": Status.POSITIEF_BESLUIT,
    "DEFINITIEF": Status.DEFINITIEF,
}


class StatusSource(models.TextChoices):
    FEED = "feed", _("terugkoppeling van de mbo-school")
    HAND = "hand", _("ingevoerd door de vo-school")


class Aanmelding(models.Model):
    """A pupil's application to one opleiding at one mbo-school in one school year."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="aanmeldingen", verbose_name=_("leerling"))
    opleiding = models.ForeignKey(
        Opleiding, on_delete=models.PROTECT, related_name="aanmeldingen", verbose_name=_("opleiding")
    )
    # The opleiding's mbo-school, kept here for the two-per-school rule and for scoping by mbo-school.
    mbo_school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="aanmeldingen",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    location = models.ForeignKey(
        "students.Location", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("locatie")
    )
    school_year = models.PositiveSmallIntegerField(_("schooljaar"))
    external_id = models.CharField(_("kenmerk van de mbo-school"), max_length=64, null=True, blank=True)
    cohort = models.PositiveSmallIntegerField(
        _("cohort"),
        null=True,
        blank=True,
        help_text=_("Het jaar waarin de opleiding start, zoals de mbo-school meldt."),
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, default=Status.NIET_INGESCHREVEN)
    status_at = models.DateTimeField(_("statusdatum"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "opleiding", "school_year"],
                name="aanmelding_once_per_opleiding",
                violation_error_message=_("De leerling is al aangemeld voor deze opleiding."),
            ),
            models.UniqueConstraint(
                fields=["mbo_school", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="aanmelding_external_id_unique_per_mbo",
            ),
        ]
        indexes = [models.Index(fields=["pupil", "mbo_school", "school_year"])]

    def __str__(self) -> str:
        return f"{self.opleiding} – {self.mbo_school.name}"

    def __repr__(self) -> str:
        return f"<Aanmelding {self.pk}>"

    @property
    def from_feed(self) -> bool:
        """A connected mbo-school's statuses arrive through the feed and are not edited by hand."""
        return self.mbo_school.connected

    def clean(self) -> None:
        if self.opleiding_id and self.mbo_school_id and self.opleiding.school_id != self.mbo_school_id:
            raise ValidationError({"opleiding": _("Deze opleiding hoort bij een andere mbo-school.")})


class StatusChange(models.Model):
    """One step in an aanmelding's history: which status, on what date, from where, by whom."""

    aanmelding = models.ForeignKey(Aanmelding, on_delete=models.CASCADE, related_name="history")
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    at = models.DateTimeField(_("datum"))
    source = models.CharField(_("bron"), max_length=10, choices=StatusSource.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(
        _("door"), max_length=200, blank=True, help_text=_("Blijft staan als de gebruiker weg is.")
    )
    note = models.TextField(_("toelichting"), max_length=NOTE_MAX, blank=True)
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        ordering = ["at", "recorded_at", "pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.at:%d-%m-%Y})"


class EldersKind(models.TextChoices):
    MBO_ANDERS = "mbo", _("Andere mbo-school")
    HAVO = "havo", _("Havo")
    WERK = "werk", _("Werk")
    DAGBESTEDING = "dagbesteding", _("Dagbesteding")
    BLIJFT_VO = "blijft_vo", _("Blijft op het vo")
    BUITENLAND = "buitenland", _("Buitenland")
    ONBEKEND = "onbekend", _("Onbekend")


class Elders(models.Model):
    """A destination outside the connected mbo-schools, recorded by hand by the vo-school."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="elders", verbose_name=_("leerling"))
    kind = models.CharField(_("bestemming"), max_length=20, choices=EldersKind.choices)
    name = models.CharField(
        _("naam school of opleiding"), max_length=200, blank=True, help_text=_("Verplicht bij een andere mbo-school.")
    )
    date = models.DateField(_("datum"))
    note = models.TextField(_("toelichting"), max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at", "pk"]
        verbose_name = _("bestemming elders")
        verbose_name_plural = _("bestemmingen elders")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{': ' + self.name if self.name else ''}"

    def clean(self) -> None:
        if self.kind == EldersKind.MBO_ANDERS and not self.name.strip():
            raise ValidationError({"name": _("Vul de naam van de mbo-school (en opleiding) in.")})


class FlagChange(models.Model):
    """Who changed a pupil's flag (vmbo-diploma, extra aandacht), when, from what to what."""

    class Flag(models.TextChoices):
        DIPLOMA = "diploma", _("vmbo-diploma behaald")
        EXTRA_AANDACHT = "extra_aandacht", _("extra aandacht onderwijskeuzeproces")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="flag_changes")
    flag = models.CharField(max_length=20, choices=Flag.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("wijziging van een kenmerk")
        verbose_name_plural = _("wijzigingen van kenmerken")

    def __str__(self) -> str:
        return f"{self.get_flag_display()}: {self.old_value or '–'} → {self.new_value or '–'}"


class SchoolYearStart(models.Model):
    """The start of a new school year (manage.py start_school_year): the newest one is the current year."""

    year = models.PositiveSmallIntegerField(_("schooljaar"), unique=True)
    started_at = models.DateTimeField(_("gestart op"), auto_now_add=True)
    started_by = models.CharField(_("gestart door"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("gestart schooljaar")
        verbose_name_plural = _("gestarte schooljaren")

    def __str__(self) -> str:
        return f"{self.year}-{self.year + 1}"
