"""Forms for aanmeldingen, statuses, Elders and the pupil's flags."""

from __future__ import annotations

import datetime
from itertools import groupby
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import versions
from accounts.text_fields import LimitedText

from .models import EXTRA_AANDACHT_MAX, NOTE_MAX, Elders, EldersKind, Opleiding, Status


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def not_in_future(value: datetime.date) -> datetime.date:
    if value > timezone.localdate():
        raise forms.ValidationError(_("De datum kan niet in de toekomst liggen."))
    return value


class OpleidingChoiceField(forms.ModelChoiceField):
    """Opleidingen grouped by mbo-school in the drop-down."""

    def label_from_instance(self, obj: Opleiding) -> str:
        return _("%(name)s – niveau %(niveau)s %(leerweg)s (crebo %(crebo)s)") % {
            "name": obj.name,
            "niveau": obj.niveau,
            "leerweg": obj.leerweg,
            "crebo": obj.crebo,
        }

    def group_by_school(self) -> None:
        """Show the choices under a heading per mbo-school (call after setting the queryset)."""
        grouped: list = [("", self.empty_label)]
        for school, items in groupby(self.queryset, key=lambda o: o.school):  # type: ignore[arg-type]
            grouped.append((school.name, [(o.pk, self.label_from_instance(o)) for o in items]))
        self.widget.choices = grouped  # type: ignore[attr-defined]


class AanmeldingForm(forms.Form):
    """An aanmelding the school records by hand (a mbo-school that does not send feedback itself)."""

    opleiding = OpleidingChoiceField(
        queryset=Opleiding.objects.none(),
        label=_("Opleiding"),
        empty_label=_("Kies een opleiding…"),
        help_text=_(
            "Aanmeldingen bij gekoppelde mbo-scholen komen automatisch binnen. Staat de school of opleiding er "
            "niet bij? Leg de bestemming dan vast bij Elders."
        ),
        error_messages={"required": _("Kies een opleiding.")},
    )
    status = forms.TypedChoiceField(
        label=_("Status"), choices=Status.choices, coerce=int, initial=Status.NIET_INGESCHREVEN
    )
    date = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)
    note = LimitedText(label=_("Toelichting"), limit=NOTE_MAX, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(OpleidingChoiceField, self.fields["opleiding"])
        field.queryset = (
            Opleiding.objects.filter(active=True, school__connected=False)
            .select_related("school")
            .order_by("school__name", "name", "niveau", "leerweg")
        )
        field.group_by_school()

    def clean_date(self) -> datetime.date:
        return not_in_future(self.cleaned_data["date"])


class StatusForm(forms.Form):
    status = forms.TypedChoiceField(label=_("Nieuwe status"), choices=Status.choices, coerce=int)
    date = forms.DateField(label=_("Datum"), widget=DateInput(), initial=timezone.localdate)
    note = LimitedText(label=_("Toelichting"), limit=NOTE_MAX, rows=2)

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[versions.FIELD] = versions.version_field(version)

    def clean_date(self) -> datetime.date:
        return not_in_future(self.cleaned_data["date"])


class EldersForm(forms.ModelForm):
    note = LimitedText(label=_("Toelichting"), limit=NOTE_MAX, rows=2)

    class Meta:
        model = Elders
        fields = ("kind", "name", "date", "note")
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Kies een bestemming…")), *EldersKind.choices]
        self.fields["date"].initial = timezone.localdate

    def clean_date(self) -> datetime.date:
        return not_in_future(self.cleaned_data["date"])


DIPLOMA_CHOICES = [("ja", _("Ja, behaald")), ("nee", _("Nee, niet behaald")), ("", _("Nog niet bekend"))]
DIPLOMA_VALUES = {"ja": True, "nee": False, "": None}


class ExtraAandachtForm(forms.Form):
    text = LimitedText(
        label=_("Informatie voor het mbo"),
        limit=EXTRA_AANDACHT_MAX,
        rows=5,
        help_text=_(
            "Bijvoorbeeld dat de leerling extra begeleiding nodig heeft bij de onderwijskeuze of extra "
            "loopbaanadvies. Leeg maken haalt de markering weg."
        ),
    )

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[versions.FIELD] = versions.version_field(version)
