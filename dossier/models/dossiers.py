"""A pupil's own doorstroomdossier: its declaration (one per kind and version, immutable once used) and the dossier
itself — part A's answers, what is typed but not valid yet, and the choice of school, location and opleiding."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from doorstroom.models.declaration import VersionedDocument

from .. import declaration as spec
from .accounts import PupilAccount

_PARSED: dict[str, spec.DossierSpec] = {}


class DossierKind(models.TextChoices):
    VO_MBO = spec.VO_MBO, _("VO-MBO dossier")
    MBO_MBO = spec.MBO_MBO, _("MBO-MBO dossier")
    WERKLOOS_MBO = spec.WERKLOOS_MBO, _("Werk(loos)-MBO dossier")


class DossierDeclaration(VersionedDocument, models.Model):
    kind = models.CharField(_("soort dossier"), max_length=20, choices=DossierKind.choices)
    version = models.PositiveSmallIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    document = models.JSONField(_("declaratie"))
    checksum = models.CharField(max_length=64, editable=False)
    source = models.CharField(_("bron"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("geladen op"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("declaratie van een doorstroomdossier")
        verbose_name_plural = _("declaraties van doorstroomdossiers")
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="dossier_declaration_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (versie {self.version})"

    in_use_message = _(
        "Deze declaratie is al gebruikt door een dossier en kan niet meer veranderen; laad een nieuwe versie."
    )
    parse = staticmethod(spec.parse)
    _parsed = _PARSED

    def check_parsed(self, parsed: spec.DossierSpec) -> None:
        if parsed.kind != self.kind:
            raise ValidationError({"document": f"the document is a {parsed.kind} dossier, not {self.kind}"})

    def parsed(self) -> spec.DossierSpec:
        return super().parsed()

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.dossiers.exists()


class DossierState(models.TextChoices):
    DEEL_A = "deel_a", _("deel A invullen")
    BIJ_MENTOR = "bij_mentor", _("bij de mentor")
    AKKOORD = "akkoord", _("wacht op de akkoordverklaring")
    VERSTUURD = "verstuurd", _("verstuurd naar het mbo")


MENTOR_LINK_VALID = datetime.timedelta(days=14)


class Dossier(models.Model):
    """One dossier of a pupil, for one choice of opleiding. The pupil alone writes part A: every button of a page
    saves it, input that is not valid yet included (kept in ``invalid`` as typed, with its page named)."""

    account = models.ForeignKey(
        PupilAccount, on_delete=models.CASCADE, related_name="dossiers", verbose_name=_("leerling")
    )
    declaration = models.ForeignKey(
        DossierDeclaration, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("declaratie")
    )
    kind = models.CharField(_("soort dossier"), max_length=20, choices=DossierKind.choices)
    answers = models.JSONField(_("antwoorden deel A"), default=dict, blank=True)
    invalid = models.JSONField(_("nog niet geldige invoer"), default=dict, blank=True)
    page = models.CharField(_("laatst geopende pagina"), max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(_("deel A ingevuld (%)"), default=0)
    state = models.CharField(_("stand"), max_length=20, choices=DossierState.choices, default=DossierState.DEEL_A)
    mbo_school = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    location = models.ForeignKey(
        "students.Location", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opleiding = models.ForeignKey(
        "students.Opleiding", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The choice as the pupil confirmed it, in words: kept when the catalogue changes later.
    choice_text = models.CharField(_("vervolgkeuze"), max_length=400, blank=True)
    choice_confirmed = models.BooleanField(_("vervolgkeuze bevestigd"), default=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("gekopieerd uit")
    )
    # Part B: the mentor the pupil sent part A to — a mentor with an account (``mentor``), or a name and address with
    # a single-use link (its SHA-256 only; a copy of the database gives no working link).
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_dossiers",
        verbose_name=_("mentor"),
    )
    mentor_name = models.CharField(_("naam mentor of coach"), max_length=200, blank=True)
    mentor_email = models.EmailField(_("e-mailadres mentor of coach"), blank=True)
    mentor_token = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    mentor_token_expires_at = models.DateTimeField(_("link geldig tot"), null=True, blank=True)
    mentor_answers = models.JSONField(_("antwoorden deel B"), default=dict, blank=True)
    mentor_invalid = models.JSONField(_("nog niet geldige invoer deel B"), default=dict, blank=True)
    # Per page of part A: {"page": {"oordeel": "eens" | "oneens", "opmerking": "…"}}.
    verdicts = models.JSONField(_("eens of oneens per bladzijde"), default=dict, blank=True)
    # Whoever holds the dossier since when (the waiting the school sees, and the reminders).
    sent_to_mentor_at = models.DateTimeField(_("naar de mentor gestuurd op"), null=True, blank=True)
    returned_at = models.DateTimeField(_("teruggestuurd door de mentor op"), null=True, blank=True)
    akkoord_since = models.DateTimeField(_("wacht op akkoord sinds"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd naar het mbo op"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("laatste herinnering"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("laatst opgeslagen"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("doorstroomdossier")
        verbose_name_plural = _("doorstroomdossiers")
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d-%m-%Y})" if self.created_at else self.get_kind_display()

    def __repr__(self) -> str:
        return f"<Dossier {self.pk} {self.kind}>"

    @property
    def spec(self) -> spec.DossierSpec:
        return self.declaration.parsed()

    @property
    def editable(self) -> bool:
        """Part A changes only while the pupil fills it in (not at the mentor, not once sent)."""
        return self.state == DossierState.DEEL_A


class Consent(models.Model):
    """The akkoordverklaring: who agreed that which version of the dossier goes to which mbo-school, and when — with
    the snapshot of what was sent, written once. Withdrawn (before the mbo-school opened it) it stays as a record,
    and the mbo-school no longer sees the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consents")
    declaration = models.ForeignKey(DossierDeclaration, on_delete=models.PROTECT, related_name="+")
    mbo_school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="received_dossiers", verbose_name=_("mbo-school")
    )
    choice_text = models.CharField(_("vervolgkeuze"), max_length=400)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("gegeven door")
    )
    given_by_name = models.CharField(_("akkoord gegeven door"), max_length=200)
    # The OSO rules ask a parent's consent below 16: the parent or guardian who agreed, and how they are related.
    parent_name = models.CharField(_("ouder of verzorger die akkoord gaf"), max_length=200, blank=True)
    parent_relation = models.CharField(_("relatie"), max_length=60, blank=True)
    statements = models.JSONField(_("verklaringen"), default=list)  # the texts agreed to, as shown
    given_at = models.DateTimeField(_("akkoord gegeven op"), auto_now_add=True)
    snapshot = models.JSONField(_("wat verstuurd is"))
    snapshot_checksum = models.CharField(max_length=64, editable=False)
    opened_at = models.DateTimeField(_("voor het eerst geopend door het mbo op"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reden van intrekken"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("akkoordverklaring")
        verbose_name_plural = _("akkoordverklaringen")
        indexes = [models.Index(fields=["mbo_school", "withdrawn_at"])]

    def __str__(self) -> str:
        return (
            f"{self.given_by_name} → {self.mbo_school} ({self.given_at:%d-%m-%Y})"
            if self.given_at
            else self.given_by_name
        )

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
