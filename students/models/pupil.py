"""Pupils of a vo-school, with their BSN stored encrypted and indexed by a keyed hash."""

from __future__ import annotations

import datetime
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind, phone_validator

from .. import bsn as bsn_crypto
from ..schoolyear import current_school_year, label

POSTCODE_RE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
# PostNL does not hand out these letter pairs.
_POSTCODE_UNUSED_LETTERS = {"SA", "SD", "SS"}
NO_BSN_CODE_PREFIX = "GB"
EXTRA_AANDACHT_MAX = 2000  # the text for the mbo about extra aandacht
NAME_KEYS = ("search_name", "sort_achternaam", "sort_voornaam")  # derived from the name by refresh_search_name


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces, for searching: "Aydın, Daniël" → "aydin daniel"."""
    text = text.translate(_FOLD_EXTRA)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9' -]", " ", ascii_text.lower()).split())


_FOLD_EXTRA = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss"})


def normalise_postcode(value: str) -> str:
    """ "2512ab" and "2512 AB" both become "2512 AB"; anything else is returned unchanged (and refused)."""
    text = (value or "").strip().upper()
    match = POSTCODE_RE.match(text)
    return f"{match.group(1)} {match.group(2)}" if match else text


def validate_postcode(value: str) -> None:
    match = POSTCODE_RE.match(value or "")
    if not match or match.group(2) in _POSTCODE_UNUSED_LETTERS:
        raise ValidationError(_("Vul een Nederlandse postcode in: 4 cijfers en 2 letters, bijv. 2512 AB."))


def validate_birth_date(value: datetime.date) -> None:
    today = timezone.localdate()
    if value >= today:
        raise ValidationError(_("De geboortedatum moet in het verleden liggen."))
    if value.year < today.year - 100:
        raise ValidationError(_("Controleer de geboortedatum: die ligt meer dan 100 jaar terug."))


class Geslacht(models.TextChoices):
    MAN = "m", _("Man")
    VROUW = "v", _("Vrouw")
    ANDERS = "x", _("Anders / onbekend")


class Source(models.TextChoices):
    SCHOOL = "school", _("Door de school ingevoerd")
    IMPORT = "import", _("Geïmporteerd")
    SERVICEDESK = "servicedesk", _("Door de VOROC Servicedesk ingevoerd")


class Pupil(models.Model):
    """A pupil of one vo-school in one school year.

    Either ``bsn_encrypted``/``bsn_index`` are set, or ``no_bsn_code`` is (a pupil added through
    "Geen BSN nummer?"): such a pupil gets no mbo feedback, because feedback matches on BSN.
    """

    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": OrganisationKind.VO_SCHOOL},
        verbose_name=_("school"),
    )
    school_year = models.PositiveSmallIntegerField(
        _("schooljaar"),
        default=current_school_year,
        help_text=_("Het jaar waarin het schooljaar begint: 2026 staat voor schooljaar 2026-2027."),
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils",
        verbose_name=_("groep"),
    )

    # The BSN, never in plain text (see students/bsn.py). Not editable in forms or admin.
    bsn_encrypted = models.CharField(max_length=120, blank=True, editable=False)
    bsn_index = models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True)
    no_bsn_code = models.CharField(
        _("leerlingcode (geen BSN)"), max_length=12, null=True, blank=True, unique=True, editable=False
    )
    # The number the school's administration system (Magister, SOMtoday) gives the pupil: what an import matches on.
    leerlingnummer = models.CharField(
        _("leerlingnummer"),
        max_length=20,
        blank=True,
        default="",
        help_text=_("Het leerlingnummer (stamnummer) in het administratiesysteem van de school."),
    )

    voornaam = models.CharField(_("voornaam"), max_length=100)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    achternaam = models.CharField(_("achternaam"), max_length=150)
    geboortedatum = models.DateField(_("geboortedatum"), validators=[validate_birth_date])
    geslacht = models.CharField(_("geslacht"), max_length=1, choices=Geslacht.choices)
    email = models.EmailField(_("e-mailadres"))
    telefoon = models.CharField(_("telefoon"), max_length=20, validators=[phone_validator])

    straat = models.CharField(_("straat"), max_length=150)
    huisnummer = models.PositiveIntegerField(
        _("huisnummer"), validators=[MinValueValidator(1, _("Een huisnummer is 1 of hoger."))]
    )
    toevoeging = models.CharField(_("toevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    woonplaats = models.CharField(_("woonplaats"), max_length=100)

    # Flags (handleiding "Iconen"); every change is kept in FlagChange.
    diploma = models.BooleanField(
        _("vmbo-diploma behaald"), null=True, blank=True, help_text=_("Leeg: nog niet bekend (voor de uitslag).")
    )
    extra_aandacht = models.TextField(
        _("extra aandacht onderwijskeuzeproces"),
        max_length=EXTRA_AANDACHT_MAX,
        blank=True,
        help_text=_("Informatie voor het mbo, bijv. dat de leerling extra loopbaanadvies nodig heeft."),
    )

    # Names folded to lower-case ASCII ("Daniël Öztürk" → "daniel ozturk"): what the name search compares.
    search_name = models.CharField(max_length=300, editable=False, default="", db_index=True)
    # The same folding for the order of names: Öztürk among the O's, Şahin among the S's, Çelik among the C's (not
    # after Z, where a byte order puts them), on every database; the tussenvoegsel does not count, as in Dutch.
    sort_achternaam = models.CharField(max_length=150, editable=False, default="")
    sort_voornaam = models.CharField(max_length=100, editable=False, default="")

    source = models.CharField(_("ingevoerd door"), max_length=20, choices=Source.choices, default=Source.SCHOOL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        ordering = ["sort_achternaam", "sort_voornaam", "pk"]
        verbose_name = _("leerling")
        verbose_name_plural = _("leerlingen")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "bsn_index"],
                condition=Q(bsn_index__isnull=False),
                name="pupil_bsn_once_per_school",
                violation_error_message=_("Deze leerling staat al in de lijst van deze school."),
            ),
            models.UniqueConstraint(
                fields=["school", "leerlingnummer"],
                condition=~Q(leerlingnummer=""),
                name="pupil_leerlingnummer_once_per_school",
                violation_error_message=_("Dit leerlingnummer hoort al bij een andere leerling van deze school."),
            ),
            models.CheckConstraint(
                condition=(Q(bsn_index__isnull=False) & Q(no_bsn_code__isnull=True) & ~Q(bsn_encrypted=""))
                | (Q(bsn_index__isnull=True) & Q(no_bsn_code__isnull=False) & Q(bsn_encrypted="")),
                name="pupil_has_bsn_or_code",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "school_year"]),
            # The gemeente's scope: the 4 digits of the postcode (students.selectors.living_in).
            models.Index(Substr("postcode", 1, 4), name="pupil_postcode_area"),
            # The lists' order by name (Leerling overzicht, the gemeente, the monitor, exports).
            models.Index(fields=["sort_achternaam", "sort_voornaam"], name="pupil_name_order"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def __repr__(self) -> str:
        # No BSN material in tracebacks or debug output.
        return f"<Pupil {self.pk}>"

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_name()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *NAME_KEYS}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.voornaam, self.tussenvoegsel, self.achternaam) if p)

    @property
    def sort_name(self) -> str:
        """ "Vries, Sanne de": how school lists sort and show names."""
        first = " ".join(p for p in (self.voornaam, self.tussenvoegsel) if p)
        return f"{self.achternaam}, {first}" if first else self.achternaam

    @property
    def has_bsn(self) -> bool:
        return bool(self.bsn_index)

    @property
    def school_year_label(self) -> str:
        return label(self.school_year)

    @property
    def address_line(self) -> str:
        number = f"{self.huisnummer}{(' ' + self.toevoeging) if self.toevoeging else ''}"
        return f"{self.straat} {number}, {self.postcode} {self.woonplaats}"

    def refresh_search_name(self) -> None:
        """The folded name for searching and the keys for sorting (call before bulk_create / bulk_update)."""
        self.search_name = fold(f"{self.voornaam} {self.tussenvoegsel} {self.achternaam}")
        self.sort_achternaam = fold(self.achternaam)[:150]
        self.sort_voornaam = fold(self.voornaam)[:100]

    def set_bsn(self, value: str) -> None:
        """Store a validated BSN: encrypted, indexed, and nothing else."""
        bsn = bsn_crypto.validate(value)
        self.bsn_encrypted = bsn_crypto.encrypt(bsn)
        self.bsn_index = bsn_crypto.blind_index(bsn)
        self.no_bsn_code = None

    def clean(self) -> None:
        super().clean()
        self.postcode = normalise_postcode(self.postcode)
        if self.school_id and self.school.kind != OrganisationKind.VO_SCHOOL:
            raise ValidationError({"school": _("Een leerling hoort bij een vo-school.")})
        if self.group is not None and self.school_id and self.group.school_id != self.school_id:
            raise ValidationError({"group": _("Deze groep hoort bij een andere school.")})


def new_no_bsn_code() -> str:
    """A unique code for a pupil without BSN: "GB" and 7 digits, never a valid BSN format."""
    while True:
        code = f"{NO_BSN_CODE_PREFIX}{secrets.randbelow(10**7):07d}"
        if not Pupil.objects.filter(no_bsn_code=code).exists():
            return code


class SchoolLink(models.Model):
    """A pupil the servicedesk linked to a second vo-school (e.g. after a change of school).

    The linked school sees and follows the pupil like its own, but cannot delete it.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="school_links", verbose_name=_("leerling"))
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="linked_pupils",
        limit_choices_to={"kind": OrganisationKind.VO_SCHOOL},
        verbose_name=_("gekoppelde school"),
    )
    note = models.CharField(_("toelichting"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("gekoppeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("koppeling met een andere school")
        verbose_name_plural = _("koppelingen met andere scholen")
        constraints = [models.UniqueConstraint(fields=["pupil", "school"], name="pupil_linked_once_per_school")]

    def __str__(self) -> str:
        return f"{self.pupil} → {self.school}"

    def clean(self) -> None:
        if self.school_id and self.school.kind != OrganisationKind.VO_SCHOOL:
            raise ValidationError({"school": _("Een leerling kan alleen aan een vo-school worden gekoppeld.")})
        if self.pupil_id and self.school_id and self.pupil.school_id == self.school_id:
            raise ValidationError({"school": _("De leerling staat al bij deze school ingeschreven.")})
