"""Forms of the gemeente's side. Limits and choices come from the models; the services check them again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NOTE_MAX, REMARK_MAX, CaseStatus, ContactKind, Outcome, RiskReason


def _area(label, *, required: bool, help_text="", rows: int = 4, limit: int = REMARK_MAX) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": limit}),
        error_messages={
            "required": _("Vul dit veld in."),
            "max_length": _("Maximaal %(limit_value)d tekens; nu %(show_value)d."),
        },
    )


class RemarkForm(forms.Form):
    text = _area(
        _("Opmerking"),
        required=True,
        help_text=_(
            "De school van de leerling leest dit (de decaan, de zorgcoördinator en de mentor van de groep). U kunt de "
            "opmerking tot 24 uur na het schrijven nog wijzigen."
        ),
    )


class OverstapForm(forms.Form):
    remark = _area(
        _("Opmerking voor de gemeente"),
        required=True,
        help_text=_("Waarom heeft deze leerling hulp nodig bij de overstap? Geen medische gegevens."),
    )


class RiskForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reden"),
        choices=[("", _("Kies een reden")), *RiskReason.choices],
        error_messages={"required": _("Kies een reden."), "invalid_choice": _("Kies een reden uit de lijst.")},
    )
    remark = _area(
        _("Toelichting voor de gemeente"),
        required=False,
        help_text=_("Verplicht bij “Anders”. Geen medische gegevens."),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("reason") == RiskReason.ANDERS and not (data.get("remark") or "").strip():
            self.add_error("remark", _("Licht bij “Anders” toe wat er speelt."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Uitkomst (bij afsluiten)"), choices=[("", "—"), *Outcome.choices], required=False
    )
    outcome_note = forms.CharField(
        label=_("Toelichting uitkomst"),
        max_length=300,
        required=False,
        help_text=_("Verplicht bij “Anders”. De school ziet de status en de uitkomst, niet uw contactmomenten."),
    )
    versie = forms.CharField(required=False, widget=forms.HiddenInput)  # the status the page showed

    def clean(self):
        data = super().clean() or {}
        if data.get("status") == CaseStatus.AFGESLOTEN and not data.get("outcome"):
            self.add_error("outcome", _("Kies bij het afsluiten de uitkomst."))
        if data.get("outcome") == Outcome.ANDERS and not (data.get("outcome_note") or "").strip():
            self.add_error("outcome_note", _("Licht bij “Anders” de uitkomst toe."))
        return data


class ContactForm(forms.Form):
    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Vul de datum in."), "invalid": _("Vul een datum in als dd-mm-jjjj.")},
    )
    kind = forms.ChoiceField(label=_("Soort contact"), choices=ContactKind.choices)
    note = _area(_("Notitie (alleen voor de gemeente)"), required=False, rows=3, limit=NOTE_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date = self.fields["date"]
        assert isinstance(date, forms.DateField)
        date.initial = timezone.localdate()
        date.input_formats = ["%Y-%m-%d", "%d-%m-%Y"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Een contactmoment kan niet in de toekomst liggen."))
        return date


class NotArrivedForm(forms.Form):
    remark = _area(
        _("Toelichting voor Leerplicht/RMC"),
        required=False,
        rows=3,
        help_text=_("Bijv. wanneer de leerling verwacht werd en hoe u geprobeerd heeft contact te krijgen."),
    )
