"""Forms of the pupil's account: the school's invitation, registering (with the school's code or without a vo-school),
and the decaan's confirmation. The pupil's forms address the pupil as "je"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewPasswordForm, TrimmedNameAndEmail
from students.models import Pupil
from students.models.pupil import validate_birth_date

from .services import email_in_use
from .tokens import normalise_code

REQUIRED = _("Dit veld is verplicht.")
EMAIL_INVALID = _("Vul een geldig e-mailadres in, bijv. naam@voorbeeld.nl.")


class InviteForm(forms.Form):
    """Uitnodigen (the school): the pupil's e-mail address, from the pupil record where it has one."""

    email = forms.EmailField(
        label=_("E-mailadres van de leerling"),
        max_length=254,
        help_text=_("Hierheen sturen we de link waarmee de leerling een wachtwoord kiest (7 dagen geldig)."),
        error_messages={"required": REQUIRED, "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, account_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_user = account_user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email_in_use(email, except_user=self.account_user):
            raise forms.ValidationError(
                _("Dit e-mailadres is al in gebruik in VOROC. Iedere gebruiker heeft een eigen e-mailadres nodig.")
            )
        return email


class RegistrationForm(TrimmedNameAndEmail, forms.Form):
    """A pupil registers: name, date of birth and e-mail address (and, with a vo-school, the school's code)."""

    voornaam = forms.CharField(
        label=_("Voornaam"),
        max_length=100,
        error_messages={"required": _("Vul je voornaam in.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    achternaam = forms.CharField(
        label=_("Achternaam"),
        max_length=150,
        help_text=_("Met tussenvoegsel, bijv. de Vries."),
        error_messages={"required": _("Vul je achternaam in.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    geboortedatum = forms.DateField(
        label=_("Geboortedatum"),
        validators=[validate_birth_date],
        error_messages={"required": _("Vul je geboortedatum in."), "invalid": _("Vul een datum in, bijv. 14-03-2011.")},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("We sturen je een e-mail om te controleren dat dit adres van jou is."),
        error_messages={"required": _("Vul je e-mailadres in."), "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CodeRegistrationForm(RegistrationForm):
    code = forms.CharField(
        label=_("Schooluitnodigingscode"),
        max_length=30,
        help_text=_("De code die je van je school hebt gekregen, bijv. K7QM-X3TD-9HRP."),
        error_messages={"required": _("Vul de code van je school in.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    field_order = ["code", "voornaam", "achternaam", "geboortedatum", "email"]

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class ChoosePasswordForm(NewPasswordForm):
    """The pupil's password: the same rules as everyone's, said to the pupil as "je"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kies een wachtwoord")
        self.fields["new_password1"].help_text = _(
            "Minimaal 8 tekens, met letters én cijfers; geen veelgebruikt wachtwoord en niet lijkend op je naam."
        )
        self.fields["new_password2"].label = _("Herhaal je wachtwoord")
        self.fields["new_password2"].help_text = _("Typ hetzelfde wachtwoord nog een keer.")


class ConfirmRegistrationForm(forms.Form):
    """The decaan picks the pupil a registration is for."""

    pupil = forms.ModelChoiceField(
        label=_("Welke leerling is dit?"),
        queryset=Pupil.objects.none(),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Kies de leerling, of wijs de registratie af."),
            "invalid_choice": _("Kies een leerling uit de lijst."),
        },
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Pupil.objects.filter(pk__in=[p.pk for p in candidates])
        labels = {p.pk: p for p in candidates}
        field.label_from_instance = lambda p: (  # type: ignore[method-assign,assignment]
            f"{labels[p.pk].sort_name} · {p.geboortedatum:%d-%m-%Y} · "
            f"{labels[p.pk].group.name if labels[p.pk].group else _('niet ingedeeld')}"
        )
