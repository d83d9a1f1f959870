from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import versions

from .models import Group
from .services import earlier_group, group_version


class GroupNameForm(forms.Form):
    name = forms.CharField(
        label=_("Groepsnaam"),
        max_length=60,
        help_text=_("Bijv. 4B of Havo. Voor havo-leerlingen is een groep met de naam Havo handig."),
        error_messages={"required": _("Vul een groepsnaam in.")},
    )

    def __init__(self, *args, school, group: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.group = group
        if group is not None:
            self.fields["name"].initial = group.name
            self.fields[versions.FIELD] = versions.version_field(group_version(group))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = Group.objects.filter(school=self.school, name__iexact=name)
        if self.group is not None:
            others = others.exclude(pk=self.group.pk)
        if others.exists() and (self.group is not None or earlier_group(school=self.school, name=name) is None):
            raise ValidationError(_("Uw school heeft al een groep met deze naam."))
        # A group of this name made moments ago is this form posted twice: create_group gives that group back.
        return name


class MembersForm(forms.Form):
    """Which of the shown pupils belong in the group: ticked ones in, unticked ones out."""

    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Een van de leerlingen is intussen in een andere groep geplaatst. Laad de pagina opnieuw."
            )
        },
    )

    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = shown


class MentorLinksForm(forms.Form):
    """The matrix of groups × mentors; each ticked cell is a link "groep:mentor"."""

    links = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Een van de gekozen mentoren of groepen hoort niet (meer) bij uw school. Er is niets gewijzigd; "
                "open het scherm opnieuw."
            )
        },
    )

    def __init__(self, *args, groups, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.mentors = list(mentors)
        cast(forms.MultipleChoiceField, self.fields["links"]).choices = [
            (f"{g.pk}:{m.pk}", "") for g in self.groups for m in self.mentors
        ]

    def cleaned_pairs(self) -> set[tuple[int, int]]:
        return {tuple(int(x) for x in value.split(":")) for value in self.cleaned_data["links"]}  # type: ignore[misc]
