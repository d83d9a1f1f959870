"""A declaration as stored: one JSON document per region, school year and version, immutable once used."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from students.schoolyear import label as year_label

from .. import declaration as spec

_PARSED: dict[str, spec.Declaration] = {}


def checksum(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class VersionedDocument:
    """What a stored declaration is, whatever it declares (this doorstroomformulier's, a pupil's dossier's): its
    ``document`` is fixed once something was filled in under it, and is parsed once per content. A subclass names
    ``in_use_message`` and ``parse`` (the checking parser of its kind of document)."""

    in_use_message: Any = ""
    parse: Callable[[dict], Any]
    _parsed: dict[str, Any]
    if TYPE_CHECKING:  # what the model it is mixed into has
        objects: ClassVar[Any]
        pk: Any
        document: Any
        checksum: Any
        title: str

        @property
        def in_use(self) -> bool: ...

    def save(self, *args, **kwargs) -> None:
        self.checksum = checksum(self.document)
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("checksum", flat=True).first()
            if stored is not None and stored != self.checksum and self.in_use:
                raise ValidationError(self.in_use_message)
        super().save(*args, **kwargs)  # type: ignore[misc]

    def clean(self) -> None:
        try:
            parsed = type(self).parse(self.document)
        except spec.DeclarationError as exc:  # the dossier's parser raises it too
            raise ValidationError({"document": str(exc)}) from exc
        self.check_parsed(parsed)
        self.title = parsed.title[:200]

    def check_parsed(self, parsed: Any) -> None:
        """What a kind of declaration checks beyond its parser (nothing, by default)."""

    def parsed(self) -> Any:
        """The checked declaration (parsed once per content: a stored version never changes)."""
        found = self._parsed.get(self.checksum)
        if found is None:
            found = self._parsed[self.checksum] = type(self).parse(self.document)
        return found


class Declaration(VersionedDocument, models.Model):
    region = models.CharField(_("regio"), max_length=60)
    school_year = models.PositiveSmallIntegerField(_("schooljaar"))
    version = models.PositiveSmallIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    document = models.JSONField(_("declaratie"))
    checksum = models.CharField(max_length=64, editable=False)
    source = models.CharField(_("bron"), max_length=200, blank=True, help_text=_("Het bestand waaruit hij is geladen."))
    created_at = models.DateTimeField(_("geladen op"), auto_now_add=True)

    class Meta:
        ordering = ["region", "-school_year", "-version"]
        verbose_name = _("declaratie van het doorstroomformulier")
        verbose_name_plural = _("declaraties van het doorstroomformulier")
        constraints = [
            models.UniqueConstraint(fields=["region", "school_year", "version"], name="declaration_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.region} {year_label(self.school_year)} (versie {self.version})"

    in_use_message = _(
        "Deze declaratie is al gebruikt door een formulier en kan niet meer veranderen; laad een nieuwe versie."
    )
    parse = staticmethod(spec.parse)
    _parsed = _PARSED

    @property
    def label(self) -> str:
        # "uitgave", not "versie": a form has versions of its own (corrections); this is the questionnaire's edition
        return _("%(region)s %(year)s, uitgave %(version)s") % {
            "region": self.region,
            "year": year_label(self.school_year),
            "version": self.version,
        }

    def parsed(self) -> spec.Declaration:
        return super().parsed()

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.forms.exists()
