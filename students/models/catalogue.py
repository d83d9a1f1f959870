"""The mbo-schools' catalogue: locations and opleidingen (crebo code, name, niveau, leerweg)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind

crebo_validator = RegexValidator(r"^[0-9]{5}$", _("Een crebocode bestaat uit 5 cijfers, bijv. 25655."))


class Leerweg(models.TextChoices):
    BOL = "BOL", _("BOL (beroepsopleidende leerweg)")
    BBL = "BBL", _("BBL (beroepsbegeleidende leerweg)")


class Location(models.Model):
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="locations",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    name = models.CharField(_("naam"), max_length=150)
    plaats = models.CharField(_("plaats"), max_length=100, blank=True)

    class Meta:
        ordering = ["school__name", "name"]
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="location_name_unique_per_school")]

    def __str__(self) -> str:
        return f"{self.name} ({self.plaats})" if self.plaats else self.name

    def clean(self) -> None:
        if self.school_id and self.school.kind != OrganisationKind.MBO_SCHOOL:
            raise ValidationError({"school": _("Een locatie hoort bij een mbo-school.")})


class Opleiding(models.Model):
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="opleidingen",
        limit_choices_to={"kind": OrganisationKind.MBO_SCHOOL},
        verbose_name=_("mbo-school"),
    )
    crebo = models.CharField(_("crebocode"), max_length=5, validators=[crebo_validator])
    name = models.CharField(_("naam"), max_length=200)
    niveau = models.PositiveSmallIntegerField(
        _("niveau"), validators=[MinValueValidator(1), MaxValueValidator(4)], choices=[(n, str(n)) for n in range(1, 5)]
    )
    leerweg = models.CharField(_("leerweg"), max_length=3, choices=Leerweg.choices)
    locations = models.ManyToManyField(Location, blank=True, related_name="opleidingen", verbose_name=_("locaties"))
    active = models.BooleanField(_("wordt aangeboden"), default=True)

    class Meta:
        ordering = ["school__name", "name", "niveau", "leerweg"]
        verbose_name = _("opleiding")
        verbose_name_plural = _("opleidingen")
        constraints = [
            models.UniqueConstraint(fields=["school", "crebo", "leerweg"], name="opleiding_unique_per_school"),
        ]

    def __str__(self) -> str:
        return _("%(name)s niveau %(niveau)s %(leerweg)s") % {
            "name": self.name,
            "niveau": self.niveau,
            "leerweg": self.leerweg,
        }

    def clean(self) -> None:
        if self.school_id and self.school.kind != OrganisationKind.MBO_SCHOOL:
            raise ValidationError({"school": _("Een opleiding hoort bij een mbo-school.")})
