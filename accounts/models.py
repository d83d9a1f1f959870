"""Organisations, users and their roles: the base every other app builds on."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    VO_SCHOOL = "vo", _("vo-school")
    MBO_SCHOOL = "mbo", _("mbo-school")
    GEMEENTE = "gemeente", _("gemeente")
    SERVICEDESK = "servicedesk", _("servicedesk")
    # The one home of the accounts of pupils who have no vo-school (an MBO-MBO or Werk(loos)-MBO dossier).
    LEERLINGEN = "leerlingen", _("leerlingen zonder vo-school")


brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z0-9]{2}$", _("Een BRIN-code bestaat uit 2 cijfers en 2 tekens, bijv. 00ZV.")
)
gemeentecode_validator = RegexValidator(r"^GM[0-9]{4}$", _("Een CBS-gemeentecode ziet eruit als GM0518."))
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{7,18}$", _("Vul een geldig telefoonnummer in, bijv. 070-1234567 of 06-12345678.")
)


class Organisation(models.Model):
    """A vo-school, mbo-school, gemeente or the servicedesk.

    ``code`` is the BRIN code of a school or the CBS gemeentecode of a gemeente.
    """

    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("BRIN-code (school) of CBS-gemeentecode (gemeente)."),
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True, help_text=_("Algemeen adres, bijv. van het decanaat."))
    overstap_email = models.EmailField(
        _("e-mailadres De Overstap"),
        blank=True,
        help_text=_(
            "Alleen voor gemeenten: hier komen aanmeldingen voor De Overstap en risicomeldingen binnen. "
            "Leeg: het algemene adres."
        ),
    )
    region = models.CharField(
        _("regio"), max_length=60, default="Haaglanden", help_text=_("Bepaalt de termijnen van de procedure.")
    )
    connected = models.BooleanField(
        _("gekoppeld"),
        default=False,
        help_text=_("Alleen voor mbo-scholen: levert dagelijks de stand van de aanmeldingen aan."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        if self.kind in (OrganisationKind.VO_SCHOOL, OrganisationKind.MBO_SCHOOL):
            brin_validator(self.code)
        elif self.kind == OrganisationKind.GEMEENTE:
            gemeentecode_validator(self.code)
        if self.connected and self.kind != OrganisationKind.MBO_SCHOOL:
            raise ValidationError({"connected": _("Alleen een mbo-school kan gekoppeld zijn.")})

    @property
    def is_school(self) -> bool:
        return self.kind in (OrganisationKind.VO_SCHOOL, OrganisationKind.MBO_SCHOOL)


class GemeentePostcode(models.Model):
    """A 4-digit postcode area that lies in a gemeente: who lives there, the gemeente watches."""

    gemeente = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="postcodes",
        limit_choices_to={"kind": OrganisationKind.GEMEENTE},
        verbose_name=_("gemeente"),
    )
    postcode = models.CharField(
        _("postcode (4 cijfers)"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("Vul de 4 cijfers van de postcode in, bijv. 2511."))],
    )

    class Meta:
        ordering = ["postcode"]
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")

    def __str__(self) -> str:
        return self.postcode

    def clean(self) -> None:
        if self.gemeente_id and self.gemeente.kind != OrganisationKind.GEMEENTE:
            raise ValidationError({"gemeente": _("Een postcodegebied hoort bij een gemeente.")})


class Role(models.TextChoices):
    DECAAN_BEHEERDER = "decaan_beheerder", _("Decaan schoolbeheerder")
    DECAAN = "decaan", _("Decaan")
    MENTOR = "mentor", _("Mentor")
    ZORGCOORDINATOR = "zorgcoordinator", _("Zorgcoördinator")
    ROC = "roc", _("ROC-gebruiker")
    GEMEENTE = "gemeente", _("Gemeente-gebruiker")
    SERVICEDESK = "servicedesk", _("Servicedesk")
    # A pupil with their own dossier: at their vo-school (linked to its pupil record), or, without a vo-school, in
    # the organisation of pupils without one. They see only their own things (accounts.access.PUPIL_PAGES).
    LEERLING = "leerling", _("Leerling")


# Which kinds of organisation each role lives in.
ROLE_ORGANISATION_KIND: dict[str, tuple[str, ...]] = {
    Role.DECAAN_BEHEERDER: (OrganisationKind.VO_SCHOOL,),
    Role.DECAAN: (OrganisationKind.VO_SCHOOL,),
    Role.MENTOR: (OrganisationKind.VO_SCHOOL,),
    Role.ZORGCOORDINATOR: (OrganisationKind.VO_SCHOOL,),
    Role.ROC: (OrganisationKind.MBO_SCHOOL,),
    Role.GEMEENTE: (OrganisationKind.GEMEENTE,),
    Role.SERVICEDESK: (OrganisationKind.SERVICEDESK,),
    Role.LEERLING: (OrganisationKind.VO_SCHOOL, OrganisationKind.LEERLINGEN),
}
VO_STAFF_ROLES = frozenset({Role.DECAAN_BEHEERDER, Role.DECAAN, Role.MENTOR, Role.ZORGCOORDINATOR})


class Aanhef(models.TextChoices):
    DHR = "dhr", _("De heer")
    MEVR = "mevr", _("Mevrouw")
    NONE = "geen", _("Geen aanhef")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Login names are matched case-insensitively: "Decaan.VO1" is "decaan.vo1".
        return self.get(username__iexact=username)

    def create_user(self, username: str, password: str | None = None, **fields) -> User:
        if not username:
            raise ValueError("A login name is required.")
        user = self.model(username=username.strip().lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.SERVICEDESK)
        if "organisation" not in fields and "organisation_id" not in fields:
            fields["organisation"], _ = Organisation.objects.get_or_create(
                kind=OrganisationKind.SERVICEDESK, code="SERVICEDESK", defaults={"name": "VOROC Servicedesk"}
            )
        fields["is_superuser"] = True
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with exactly one role inside exactly one organisation."""

    username = models.CharField(
        _("loginnaam"),
        max_length=150,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9._-]*$",
                _("Een loginnaam bestaat uit kleine letters, cijfers, punten, streepjes en liggende streepjes."),
            )
        ],
        help_text=_("Uniek; kan na het aanmaken niet meer worden gewijzigd."),
        error_messages={"unique": _("Deze loginnaam is al in gebruik.")},
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", verbose_name=_("organisatie")
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    aanhef = models.CharField(_("aanhef"), max_length=10, choices=Aanhef.choices, blank=True)
    voornaam = models.CharField(_("voornaam"), max_length=100, blank=True)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    achternaam = models.CharField(_("achternaam"), max_length=150, blank=True)
    telefoon = models.CharField(
        _("telefoon"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(
        _("servicedesk-medewerker"), default=False, editable=False, help_text=_("Volgt uit de rol servicedesk.")
    )
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    verzuimmelder = models.BooleanField(
        _("mag verzuim melden"),
        default=False,
        help_text=_(
            "Naast de decaan en de zorgcoördinator mag deze medewerker verzuim melden bij de gemeente "
            "(bijv. een verzuimcoördinator of mentor)."
        ),
    )
    meldingen_digest = models.BooleanField(
        _("dagelijkse e-mail met nieuwe meldingen"),
        default=False,
        help_text=_("Eén e-mail per dag met het aantal nieuwe meldingen; zonder namen of andere leerlinggegevens."),
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sessions_ended_at = models.DateTimeField(
        _("sessies beëindigd op"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Elke sessie die vóór dit moment begon, is beëindigd (door de servicedesk)."),
    )
    profile_checked_at = models.DateTimeField(
        _("persoonsgegevens gecontroleerd op"),
        null=True,
        blank=True,
        help_text=_("Leeg: bij de eerste keer inloggen controleert de gebruiker eerst zijn persoonsgegevens."),
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["achternaam", "voornaam", "username"]
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        self.username = (self.username or "").strip().lower()
        if self.organisation_id and self.role:
            expected = ROLE_ORGANISATION_KIND.get(self.role)
            if expected and self.organisation.kind not in expected:
                raise ValidationError(
                    {
                        "role": _("De rol %(role)s hoort bij een %(kind)s, niet bij %(org)s.")
                        % {
                            "role": self.get_role_display(),
                            "kind": OrganisationKind(expected[0]).label,
                            "org": self.organisation,
                        }
                    }
                )

    def save(self, *args, **kwargs) -> None:
        # The servicedesk operates everything through Django admin; nobody else reaches it.
        self.is_staff = self.is_superuser = self.role == Role.SERVICEDESK
        super().save(*args, **kwargs)

    # --- names --------------------------------------------------------------------------------------
    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.voornaam, self.tussenvoegsel, self.achternaam) if p)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.voornaam or self.username

    # --- roles --------------------------------------------------------------------------------------
    @property
    def is_vo_staff(self) -> bool:
        return self.role in VO_STAFF_ROLES

    @property
    def is_leerling(self) -> bool:
        return self.role == Role.LEERLING

    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.DECAAN_BEHEERDER

    @property
    def requires_second_factor(self) -> bool:
        """Users who must pass a TOTP code after their password: the servicedesk (who sees everything) and
        the decaan schoolbeheerder (who makes accounts for the school). Anyone else may choose to."""
        return self.role in (Role.SERVICEDESK, Role.DECAAN_BEHEERDER)

    @property
    def profile_is_complete(self) -> bool:
        return bool(self.aanhef and self.voornaam and self.achternaam and self.email)
