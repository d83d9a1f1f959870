from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import versions
from .models import VO_STAFF_ROLES, Aanhef, Role, User
from .once import earlier_post
from .selectors import staff_of


class LoginForm(AuthenticationForm):
    """Login name and password. A failure never says which of the two was wrong."""

    error_messages = {
        "invalid_login": _("De combinatie van loginnaam en wachtwoord is onjuist."),
        "inactive": _("De combinatie van loginnaam en wachtwoord is onjuist."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Loginnaam")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("Wachtwoord")

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


class PasswordResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Loginnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


PASSWORD_RULES = _(
    "Minimaal 8 tekens, met zowel letters als cijfers; geen veelgebruikt wachtwoord en niet lijkend op uw naam."
)


NEW_PASSWORD_FIELD = "new_password1"  # noqa: S105 (a field name, not a password)


class NewPasswordFieldsMixin:
    """The new password twice, with the rules in one line and their errors under the first field."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": _("De twee nieuwe wachtwoorden zijn niet gelijk."),
    }

    def _label_new_password_fields(self) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        fields["new_password1"].label = _("Nieuw wachtwoord")
        fields["new_password1"].help_text = PASSWORD_RULES
        fields["new_password2"].label = _("Herhaal nieuw wachtwoord")
        fields["new_password2"].help_text = _("Vul hetzelfde wachtwoord nog een keer in.")

    def validate_password_for_user(self, user, *args, **kwargs):
        # Django reports a weak password under the repeat field; the user typed it in the first one.
        return super().validate_password_for_user(user, NEW_PASSWORD_FIELD)  # type: ignore[misc]


class NewPasswordForm(NewPasswordFieldsMixin, SetPasswordForm):
    """Choosing a new password through the reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._label_new_password_fields()


class ChangePasswordForm(NewPasswordFieldsMixin, PasswordChangeForm):
    """Handleiding "Wachtwoord wijzigen": current password, then the new one twice."""

    error_messages = {
        **NewPasswordFieldsMixin.error_messages,
        "password_incorrect": _("Het huidige wachtwoord is onjuist."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Huidig wachtwoord")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self._label_new_password_fields()


class TrimmedNameAndEmail:
    """A form's voornaam and achternaam without surrounding spaces, and its e-mail address in lower case."""

    cleaned_data: dict

    def clean_voornaam(self) -> str:
        return self.cleaned_data["voornaam"].strip()

    def clean_achternaam(self) -> str:
        return self.cleaned_data["achternaam"].strip()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ProfileForm(TrimmedNameAndEmail, forms.ModelForm):
    """Handleiding "Persoonsgegevens": aanhef, voornaam, achternaam, telefoon and e-mail can change."""

    class Meta:
        model = User
        fields = ["aanhef", "voornaam", "tussenvoegsel", "achternaam", "telefoon", "email", "meldingen_digest"]
        widgets = {
            "voornaam": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "achternaam": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "telefoon": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, leerling: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("aanhef", "voornaam", "achternaam", "email"):
            self.fields[name].required = True
        if leerling:  # a pupil is addressed by name, and gets no digest of the school's meldingen
            del self.fields["aanhef"], self.fields["meldingen_digest"]
        aanhef = self.fields.get("aanhef", forms.ChoiceField())
        assert isinstance(aanhef, forms.ChoiceField)
        aanhef.choices = [("", _("Kies…")), *Aanhef.choices]
        self.fields["email"].error_messages["invalid"] = _("Vul een geldig e-mailadres in, bijv. naam@school.nl.")
        for field in self.fields.values():
            field.error_messages.setdefault("required", _("Dit veld is verplicht."))
            field.error_messages["required"] = _("Dit veld is verplicht.")


class TOTPCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "autofocus": True}
        ),
        error_messages={
            "required": _("Vul de code van 6 cijfers in."),
            "min_length": _("De code bestaat uit 6 cijfers."),
            "max_length": _("De code bestaat uit 6 cijfers."),
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("De code bestaat uit 6 cijfers."))
        return code


class NewUserForm(forms.ModelForm):
    """Who a new user is. The person chooses their own password through the invitation mail."""

    class Meta:
        model = User
        fields: tuple[str, ...] = ("username", "role", "aanhef", "voornaam", "tussenvoegsel", "achternaam", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("aanhef", "voornaam", "achternaam", "email"):
            self.fields[name].required = True

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class SchoolUserForm(NewUserForm):
    """Gebruiker toevoegen by the decaan schoolbeheerder: a vo role at their own school, never the servicedesk."""

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school  # an e-mail address already in use names its owner only within this school
        self.fields["email"].help_text = _("Hierheen sturen we de link waarmee de gebruiker een wachtwoord kiest.")
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("Kies een rol…"))] + [
            (value, label) for value, label in Role.choices if value in VO_STAFF_ROLES
        ]
        cast(forms.ChoiceField, self.fields["aanhef"]).choices = [("", _("Kies…")), *Aanhef.choices]
        self.fields["username"].help_text = _(
            "Kleine letters en cijfers, eventueel met punten, streepjes of liggende streepjes, bijv. j.jansen. "
            "Kan later niet meer worden gewijzigd."
        )
        self.fields["role"].help_text = _(
            "Decaan: alle leerlingen, groepen en mentoren. Mentor: alleen de leerlingen van de gekoppelde "
            "groepen. Zorgcoördinator: alle leerlingen lezen. Decaan schoolbeheerder: ook de gebruikers."
        )

    earlier: User | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        username = self.cleaned_data.get("username")
        if username and self.school is not None:
            # This user made moments ago: the form posted twice; create_school_user gives that user back.
            self.earlier = earlier_post(staff_of(self.school), at="date_joined", username=username, email__iexact=email)
            if self.earlier is not None:
                return email
        other = User.objects.filter(email__iexact=email).first()
        if other is not None and self.school is not None and other.organisation_id == self.school.pk:
            raise forms.ValidationError(
                _("Dit e-mailadres hoort al bij %(name)s. Iedere gebruiker heeft een eigen e-mailadres nodig.")
                % {"name": other.full_name or other.username}
            )
        if other is not None:  # someone of another organisation: not named (nothing of them leaks)
            raise forms.ValidationError(
                _(
                    "Dit e-mailadres is al in gebruik in VOROC. Iedere gebruiker heeft een eigen e-mailadres nodig; "
                    "vraag uw collega om een ander adres, of neem contact op met de servicedesk."
                )
            )
        return email

    def validate_unique(self) -> None:
        if self.earlier is None:  # else the login name is taken by this very form's first post
            super().validate_unique()


class SchoolUserEditForm(forms.ModelForm):
    """Gegevens wijzigen by the decaan schoolbeheerder: name, role and e-mail address of a user of the own school; the
    login name stays. Their own role cannot be changed here (the school would lose its beheerder by mistake)."""

    class Meta:
        model = User
        fields: tuple[str, ...] = ("role", "aanhef", "voornaam", "tussenvoegsel", "achternaam", "email")

    def __init__(self, *args, school=None, editing_self: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        for name in ("aanhef", "voornaam", "achternaam", "email"):
            self.fields[name].required = True
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label) for value, label in Role.choices if value in VO_STAFF_ROLES
        ]
        cast(forms.ChoiceField, self.fields["aanhef"]).choices = [("", _("Kies…")), *Aanhef.choices]
        self.fields["role"].help_text = _(
            "Decaan: alle leerlingen, groepen en mentoren. Mentor: alleen de leerlingen van de gekoppelde "
            "groepen. Zorgcoördinator: alle leerlingen lezen. Decaan schoolbeheerder: ook de gebruikers."
        )
        if self.instance.pk:
            from .services import user_version

            self.fields[versions.FIELD] = versions.version_field(user_version(self.instance))
        if editing_self:
            self.fields["role"].disabled = True
            self.fields["role"].help_text = _(
                "Uw eigen rol kunt u niet wijzigen; vraag een andere beheerder of de servicedesk."
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        other = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if other is not None and self.school is not None and other.organisation_id == self.school.pk:
            raise forms.ValidationError(
                _("Dit e-mailadres hoort al bij %(name)s. Iedere gebruiker heeft een eigen e-mailadres nodig.")
                % {"name": other.full_name or other.username}
            )
        if other is not None:
            raise forms.ValidationError(
                _(
                    "Dit e-mailadres is al in gebruik in VOROC. Iedere gebruiker heeft een eigen e-mailadres nodig; "
                    "vraag uw collega om een ander adres, of neem contact op met de servicedesk."
                )
            )
        return email
