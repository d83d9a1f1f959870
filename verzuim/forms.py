"""The Verzuim form (the verzuimloket's fields; "velden met * zijn verplicht"), and the gemeente's status form."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import versions

from .models import GEMEENTE_MOVES, TEXT_MAX, Locatie, Melder, Reden, Soort, Status, VerzuimMelding
from .services import MAX_ATTACHMENTS, melding_version

YES_NO = [("ja", _("ja")), ("nee", _("nee"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
        error_messages={"max_length": _("Maximaal %(limit_value)d tekens; nu %(show_value)d.")},
    )


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        # Always answered (nee unless ticked), so not marked with * (as in the verzuimloket).
        kwargs.setdefault("required", False)
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "ja",
            widget=forms.RadioSelect,
            empty_value=None,
            **kwargs,
        )


class VerzuimForm(forms.Form):
    """Every field of the verzuimloket's form; required ones carry * (the service checks the rules again)."""

    soort = forms.ChoiceField(label=_("Vermoedelijke soort"), choices=[("", _("geef uw keuze")), *Soort.choices])
    reden = forms.ChoiceField(label=_("Vermoedelijke reden"), choices=[("", _("geef uw keuze")), *Reden.choices])
    begin = forms.DateField(label=_("Begin verzuim"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    eind = forms.DateField(
        label=_("Eind verzuim"),
        required=False,
        help_text=_("Verplicht bij 16 uur ongeoorloofd verzuim en bij luxeverzuim."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    alle_lessen_gemist = YesNoField(label=_("Alle lessen gemist"), initial="nee")
    toelichting = _text(_("Toelichting verzuim"), _("Verplicht bij reden “Anders”. Geen medische gegevens."))
    actie_gewenst = YesNoField(label=_("Actie gewenst"), initial="nee")
    toelichting_actie = _text(_("Toelichting actie gewenst"), _("Verplicht als u actie van de gemeente vraagt."))
    locatie = forms.ModelChoiceField(
        label=_("Locatie"), queryset=Locatie.objects.none(), empty_label=_("geef uw keuze")
    )
    melder = forms.ModelChoiceField(
        label=_("Selecteer melder"),
        queryset=Melder.objects.none(),
        required=False,
        empty_label=_("geef uw keuze"),
        help_text=_("Of vul hieronder naam en functie in (staat al op uw naam)."),
    )
    melder_naam = forms.CharField(
        label=_("Naam melder"),
        max_length=150,
        required=False,
        help_text=_("Verplicht als u hierboven geen melder kiest."),
    )
    melder_functie = forms.CharField(label=_("Functie melder"), max_length=100, required=False)
    leerlingnummer = forms.CharField(
        label=_("Leerlingnummer van uw school"),
        max_length=20,
        required=False,
        help_text=_("Staat naast het meldingsnummer, zodat u de melding in uw eigen administratie terugvindt."),
    )
    bijlagen = MultipleFileField(
        label=_("Bijlagen (pdf)"),
        required=False,
        help_text=_("Ten hoogste %(max)d pdf-bestanden, bijv. een verzuimoverzicht. Zonder BSN.")
        % {"max": MAX_ATTACHMENTS},
    )

    def __init__(self, *args, school, melding: VerzuimMelding | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        locaties = Locatie.objects.filter(school=school, active=True)
        melders = Melder.objects.filter(school=school, active=True)
        if melding is not None:  # a deactivated one stays possible on the melding that names it
            locaties = Locatie.objects.filter(school=school).filter(
                pk__in=[*locaties.values_list("pk", flat=True), melding.locatie_id]
            )
            if melding.melder_id:
                melders = Melder.objects.filter(pk__in=[*melders.values_list("pk", flat=True), melding.melder_id])
            del self.fields["bijlagen"]
            self.fields[versions.FIELD] = versions.version_field(melding_version(melding))
        cast(forms.ModelChoiceField, self.fields["locatie"]).queryset = locaties
        cast(forms.ModelChoiceField, self.fields["melder"]).queryset = melders
        for name in ("soort", "reden", "begin", "locatie"):
            self.fields[name].error_messages["required"] = _("Vul dit veld in.")
        self.fields["begin"].error_messages["invalid"] = _("Vul een datum in als dd-mm-jjjj.")
        self.fields["eind"].error_messages["invalid"] = _("Vul een datum in als dd-mm-jjjj.")
        for name in ("begin", "eind"):
            cast(forms.DateField, self.fields[name]).input_formats = ["%Y-%m-%d", "%d-%m-%Y"]
        self.fields["begin"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_bijlagen(self):
        files = self.cleaned_data.get("bijlagen") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Ten hoogste %(max)d bijlagen.") % {"max": MAX_ATTACHMENTS})
        return files

    @classmethod
    def initial_of(cls, melding: VerzuimMelding) -> dict:
        return {
            "soort": melding.soort,
            "reden": melding.reden,
            "begin": melding.begin,
            "eind": melding.eind,
            "alle_lessen_gemist": "ja" if melding.alle_lessen_gemist else "nee",
            "toelichting": melding.toelichting,
            "actie_gewenst": "ja" if melding.actie_gewenst else "nee",
            "toelichting_actie": melding.toelichting_actie,
            "locatie": melding.locatie_id,
            "melder": melding.melder_id,
            "melder_naam": melding.melder_naam,
            "melder_functie": melding.melder_functie,
            "leerlingnummer": melding.leerlingnummer,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nieuwe status"))
    note = _text(_("Toelichting voor de school"))

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        moves = GEMEENTE_MOVES.get(Status(current), ())
        choices = [("", _("Kies de nieuwe status")), *((s.value, s.label) for s in moves)]
        cast(forms.ChoiceField, self.fields["status"]).choices = choices
        self.fields["status"].error_messages["required"] = _("Kies de nieuwe status.")


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reden van intrekken"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
        error_messages={"required": _("Schrijf waarom u de melding intrekt.")},
    )


class NameForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=150, error_messages={"required": _("Vul de naam in.")})
    functie = forms.CharField(label=_("Functie"), max_length=100, required=False)
