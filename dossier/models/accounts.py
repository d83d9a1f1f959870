"""The pupil's side: their account (linked to the school's pupil record when they have a vo-school), the school's
invitation code, and a registration with that code or without a school, waiting for its e-mail check or the decaan.

Tokens (an invitation link, an e-mail check) are stored as their SHA-256 only: a copy of the database gives no
working link.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind

INVITATION_VALID = datetime.timedelta(days=7)
CODE_VALID = datetime.timedelta(days=30)
VERIFICATION_VALID = datetime.timedelta(days=2)


class AccountSource(models.TextChoices):
    UITNODIGING = "uitnodiging", _("uitgenodigd door de school")
    SCHOOLCODE = "schoolcode", _("aangemaakt met de schoolcode")
    ZELF = "zelf", _("zelf geregistreerd (geen vo-school)")


class AccountState(models.TextChoices):
    UITGENODIGD = "uitgenodigd", _("uitgenodigd")
    VERLOPEN = "verlopen", _("uitnodiging verlopen")
    WACHT = "wacht", _("wacht op bevestiging door de school")
    ACTIEF = "actief", _("actief")


class PupilAccount(models.Model):
    """A leerling's account: the user, and the school's pupil record it belongs to (none without a vo-school)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil_account", verbose_name=_("gebruiker")
    )
    pupil = models.OneToOneField(
        "students.Pupil",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("leerling van de school"),
    )
    source = models.CharField(_("hoe aangemaakt"), max_length=20, choices=AccountSource.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgenodigd door"),
    )
    invited_at = models.DateTimeField(_("uitnodiging gestuurd op"), null=True, blank=True)
    invite_email = models.EmailField(_("uitnodiging gestuurd naar"), blank=True)
    invite_token = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    invite_expires_at = models.DateTimeField(_("uitnodiging geldig tot"), null=True, blank=True)
    activated_at = models.DateTimeField(_("actief sinds"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("account van een leerling")
        verbose_name_plural = _("accounts van leerlingen")

    def __str__(self) -> str:
        return str(self.user)

    def __repr__(self) -> str:
        return f"<PupilAccount {self.pk}>"

    @property
    def state(self) -> str:
        if not self.user.is_active:
            return AccountState.WACHT
        # A password chosen through the invitation, or through "Wachtwoord vergeten?" with the login name in it.
        if self.activated_at is not None or self.user.has_usable_password():
            return AccountState.ACTIEF
        if self.invite_expires_at is not None and self.invite_expires_at < timezone.now():
            return AccountState.VERLOPEN
        return AccountState.UITGENODIGD

    @property
    def state_label(self) -> str:
        return str(AccountState(self.state).label)


class SchoolCode(models.Model):
    """The code a decaan hands out: with it a pupil of that school makes an account. One is in use at a time."""

    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.VO_SCHOOL},
        verbose_name=_("school"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("schooluitnodigingscode")
        verbose_name_plural = _("schooluitnodigingscodes")

    def __str__(self) -> str:
        return f"{self.school.code}: {self.created_at:%d-%m-%Y}"

    @property
    def in_use(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RegistrationKind(models.TextChoices):
    SCHOOLCODE = "schoolcode", _("met de schoolcode")
    ZELF = "zelf", _("zonder vo-school")


class RegistrationStatus(models.TextChoices):
    EMAIL = "email", _("wacht op bevestiging van het e-mailadres")
    SCHOOL = "school", _("wacht op de decaan")
    GEKOPPELD = "gekoppeld", _("gekoppeld aan de leerling")
    BEVESTIGD = "bevestigd", _("bevestigd door de decaan")
    ACTIEF = "actief", _("account actief")
    AFGEWEZEN = "afgewezen", _("afgewezen door de decaan")


class WaitReason(models.TextChoices):
    GEEN = "geen", _("geen leerling van dit schooljaar met deze naam en geboortedatum")
    MEERDERE = "meerdere", _("meer dan één leerling met deze naam en geboortedatum")
    ACCOUNT = "account", _("de leerling met deze gegevens heeft al een account")


class Registration(models.Model):
    """A pupil making their own account: with the school's code (matched to the school's pupil record), or without
    a vo-school. The e-mail address is checked first; a registration the match could not link waits for the decaan."""

    kind = models.CharField(_("soort"), max_length=20, choices=RegistrationKind.choices)
    school = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    code = models.ForeignKey(SchoolCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    voornaam = models.CharField(_("voornaam"), max_length=100)
    achternaam = models.CharField(_("achternaam"), max_length=150)
    geboortedatum = models.DateField(_("geboortedatum"))
    email = models.EmailField(_("e-mailadres"))
    token = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("stand"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.EMAIL
    )
    reason = models.CharField(_("reden"), max_length=20, choices=WaitReason.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pupil = models.ForeignKey(
        "students.Pupil", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("leerling")
    )
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    verified_at = models.DateTimeField(_("e-mailadres bevestigd op"), null=True, blank=True)
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registratie van een leerling")
        verbose_name_plural = _("registraties van leerlingen")
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="zelf", school__isnull=True) | Q(kind="schoolcode", school__isnull=False),
                name="registration_school_with_code_only",
            )
        ]

    def __str__(self) -> str:
        return f"{self.voornaam} {self.achternaam}"

    def __repr__(self) -> str:
        return f"<Registration {self.pk}>"

    @property
    def full_name(self) -> str:
        return f"{self.voornaam} {self.achternaam}"
