"""Meldingen (notifications for an organisation or one user), the procedure's deadlines, and outgoing mail."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class MeldingKind(models.TextChoices):
    SYSTEEM = "systeem", _("Systeem")
    STATUS = "status", _("Status aanmelding")
    DEADLINE = "deadline", _("Termijn verstreken")
    LEERLING = "leerling", _("Leerling")
    GEMEENTE = "gemeente", _("Gemeente")
    VERZUIM = "verzuim", _("Verzuim")


class Melding(models.Model):
    """A notification for everyone of an organisation, or for one user; about the system or about a pupil."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meldingen", verbose_name=_("organisatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meldingen",
        verbose_name=_("alleen voor gebruiker"),
        help_text=_("Leeg: voor iedereen van de organisatie (die de leerling mag zien)."),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=MeldingKind.choices)
    text = models.TextField(_("tekst"))
    pupil = models.ForeignKey(
        "students.Pupil",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meldingen",
        verbose_name=_("leerling"),
    )
    link = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("Een pagina in VOROC, bijv. /leerlingen/?bestemming=geen")
    )
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    # One melding per event: a task that runs twice does not notify twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    read_by: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="MeldingRead", related_name="meldingen_read", blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return self.text[:80]

    def __repr__(self) -> str:
        return f"<Melding {self.pk}>"


class MeldingRead(models.Model):
    melding = models.ForeignKey(Melding, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["melding", "user"], name="melding_read_once")]

    def __str__(self) -> str:
        return f"{self.melding_id} gelezen door {self.user_id}"


class DeadlineCheck(models.TextChoices):
    """What a deadline checks. The forms deadline is checked by doorstroom (doorstroom/deadline.py), which
    owns the forms; notifications.deadlines checks the others."""

    FORMULIEREN = "formulieren", _("Iedere leerling heeft een volledig ingevuld doorstroomformulier")
    AANGEMELD = "aangemeld", _("Iedere leerling is aangemeld bij een mbo-opleiding (of heeft een bestemming)")
    TERUGKOPPELING = "terugkoppeling", _("Het mbo heeft op iedere aanmelding een besluit teruggekoppeld")
    DIPLOMA = "diploma", _("De diploma-uitslag is verwerkt")
    BESTEMMING = "bestemming", _("Iedere leerling heeft een definitieve keuze of een bestemming elders")


class Deadline(models.Model):
    """A date in the procedure's calendar, per region; the day after it, schools are warned in Meldingen."""

    region = models.CharField(_("regio"), max_length=60, default="Haaglanden")
    rule = models.CharField(_("controle"), max_length=20, choices=DeadlineCheck.choices)
    name = models.CharField(_("naam"), max_length=120)
    month = models.PositiveSmallIntegerField(_("maand"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(_("dag"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["region", "month", "day"]
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        constraints = [models.UniqueConstraint(fields=["region", "rule"], name="deadline_once_per_region")]

    def __str__(self) -> str:
        return f"{self.name} ({self.day}-{self.month})"

    def date_in(self, school_year: int) -> datetime.date:
        """The date in a school year (Aug–Jul): 1 April of 2026-2027 is 1 April 2027."""
        year = school_year if self.month >= 8 else school_year + 1
        return datetime.date(year, self.month, self.day)


class OutgoingMail(models.Model):
    """Every outgoing mail: queued, sent, or failed after its retries (then visible and resendable in admin).

    The body is kept only until the mail is sent: a delivered mail leaves no content behind. A mail about one pupil
    (the doorstroomformulier mailed to them) names that pupil: it is part of their inzage and goes with them.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    subject = models.CharField(_("onderwerp"), max_length=300)
    to = models.CharField(_("aan"), max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    pupil = models.ForeignKey(
        "students.Pupil",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mails",
        verbose_name=_("over leerling"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
