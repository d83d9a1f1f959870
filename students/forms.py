from __future__ import annotations

import datetime
import re
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import versions
from accounts.models import phone_validator

from . import bsn as bsn_crypto
from .models import Geslacht, Pupil, normalise_postcode
from .services import PERSONAL_FIELDS, pupil_version


class BsnField(forms.CharField):
    """9 digits (8 get a leading zero) that pass the elfproef. The cleaned value is the normalised BSN."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("BSN nummer"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", _("9 cijfers. Het BSN wordt versleuteld opgeslagen en daarna niet meer getoond.")
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        return bsn_crypto.validate(value)


class BsnForm(forms.Form):
    """Step one of Leerling toevoegen: the BSN only."""

    bsn = BsnField(error_messages={"required": _("Vul het BSN van de leerling in.")})


class PupilDataForm(forms.ModelForm):
    """Personal and address data; all required except tussenvoegsel and toevoeging."""

    class Meta:
        model = Pupil
        fields = PERSONAL_FIELDS
        widgets = {
            "geboortedatum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"placeholder": "1234 AB", "autocomplete": "off"}),
            "telefoon": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            # Text, not a number field: a browser empties "12e" in a number field, and the user would be told
            # the field is required instead of where the letter goes.
            "huisnummer": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        error_messages = {
            "geboortedatum": {"invalid": _("Vul een geldige datum in, bijv. 14-03-2010.")},
            "huisnummer": {"invalid": _("Vul alleen het nummer in; een letter hoort bij de toevoeging.")},
            "email": {"invalid": _("Vul een geldig e-mailadres in, bijv. naam@voorbeeld.nl.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["geslacht"]).choices = [("", _("Kies…")), *Geslacht.choices]
        cast(forms.DateField, self.fields["geboortedatum"]).input_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_telefoon(self) -> str:
        value = self.cleaned_data.get("telefoon", "")
        # A Dutch number has 10 digits with its area code; 9 digits could be a BSN typed in the wrong field.
        if value and re.match(phone_validator.regex, value) and sum(ch.isdigit() for ch in value) < 10:
            raise forms.ValidationError(
                _("Een telefoonnummer heeft 10 cijfers, met het netnummer: bijv. 070-1234567 of 06-12345678.")
            )
        return value

    def clean_voornaam(self) -> str:
        return self.cleaned_data["voornaam"].strip()

    def clean_achternaam(self) -> str:
        return self.cleaned_data["achternaam"].strip()


def group_field(groups, initial=None) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=groups, required=False, label=_("Groep"), empty_label=_("Niet ingedeeld"), initial=initial
    )


class NewPupilForm(PupilDataForm):
    """Step two of Leerling toevoegen: the BSN again (checked anew), the group and everything else."""

    bsn = BsnField(required=False)
    field_order = ["bsn", "group", *PERSONAL_FIELDS]

    def __init__(self, *args, without_bsn: bool = False, groups=None, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"] = group_field(groups, initial=group)
            self.order_fields(self.field_order)
        self.without_bsn = without_bsn
        if without_bsn:
            del self.fields["bsn"]
        else:
            self.fields["bsn"].required = True
            self.fields["bsn"].error_messages["required"] = _("Vul het BSN van de leerling in.")


class EditPupilForm(PupilDataForm):
    """Leerlinggegevens: personal data, the group (decanen), and a BSN for a pupil that had none yet."""

    field_order = ["bsn", "group", *PERSONAL_FIELDS]

    def __init__(self, *args, groups=None, can_add_bsn: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"] = group_field(groups, initial=self.instance.group_id)
        if can_add_bsn:
            self.fields["bsn"] = BsnField(
                required=False,
                label=_("BSN nummer (nu nog niet bekend)"),
                help_text=_("Vult u het BSN in, dan vervalt de leerlingcode en volgt terugkoppeling van het mbo."),
            )
        self.order_fields(self.field_order)
        # What the page was built from (accounts/versions.py), before validation puts the input on the instance.
        self.fields[versions.FIELD] = versions.version_field(pupil_version(self.instance))


class LogboekFilterForm(forms.Form):
    """Tab Logboek: which entries to show. Without a choice the lists (Meldingen, the overview …) stay out: one
    line per visit, they would bury the views and changes of single pupils."""

    WITHOUT_LISTS = ""
    CHANGES = "wijzigingen"
    EVERYTHING = "alle"
    # What "alleen wijzigingen en exports" shows.
    CHANGE_ACTIONS = ("create", "change", "delete", "export", "inzage")
    # wie: a user of the school, the users of a role elsewhere, or the system.
    SYSTEM = "systeem"

    handeling = forms.ChoiceField(label=_("Handeling"), required=False)
    wie = forms.ChoiceField(label=_("Wie"), required=False)
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, actions, people):
        """``actions``: (value, label) of the actions about pupils; ``people``: (id, name) of the school's users."""
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["handeling"]).choices = [
            (self.WITHOUT_LISTS, _("Alles behalve lijsten")),
            (self.CHANGES, _("Alleen wijzigingen en exports")),
            (self.EVERYTHING, _("Alles, ook lijsten")),
            (_("Eén handeling"), list(actions)),
        ]
        cast(forms.ChoiceField, self.fields["wie"]).choices = [
            ("", _("Iedereen")),
            (_("Uw school"), [(f"u{pk}", name) for pk, name in people]),
            (
                _("Buiten uw school"),
                [("rol:roc", _("Mbo-scholen")), ("rol:servicedesk", _("Servicedesk")), (self.SYSTEM, _("Automatisch"))],
            ),
        ]
        for name, field in self.fields.items():
            if name in ("handeling", "wie"):  # a choice shows at once; dates with the button
                field.widget.attrs.update({"class": "form-select form-select-sm", "data-voroc-autosubmit": ""})
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean() or {}
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise forms.ValidationError(_("De datum ‘van’ ligt na de datum ‘tot en met’."))
        return data

    def filter(self, entries):
        """The entries as chosen; a choice that is not valid is left out (the form says why)."""
        self.is_valid()
        data = self.cleaned_data
        action = data.get("handeling", self.WITHOUT_LISTS)
        if action == self.WITHOUT_LISTS:
            entries = entries.exclude(action="list")
        elif action == self.CHANGES:
            entries = entries.filter(action__in=self.CHANGE_ACTIONS)
        elif action != self.EVERYTHING:
            entries = entries.filter(action=action)
        who = data.get("wie", "")
        if who.startswith("u"):
            entries = entries.filter(actor_id=int(who[1:]))
        elif who.startswith("rol:"):
            entries = entries.filter(actor_role=who.removeprefix("rol:"))
        elif who == self.SYSTEM:
            entries = entries.filter(actor_id__isnull=True)

        def start_of(day: datetime.date) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        if data.get("van"):
            entries = entries.filter(at__gte=start_of(data["van"]))
        if data.get("tot"):
            entries = entries.filter(at__lt=start_of(data["tot"] + datetime.timedelta(days=1)))
        return entries

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in ("handeling", "wie", "van", "tot"))
