"""The forms of Leerlingen importeren: the upload, and the mapping of the file's columns to VOROC's fields."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .mapping import FIELDS, problems

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv", ".txt", ".xml")


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label=_("Bestand uit het administratiesysteem"),
        help_text=_("Een Excel-bestand (.xlsx), een CSV-bestand (.csv) of een EDEXML-bestand (.xml), tot 10 MB."),
        error_messages={"required": _("Kies een bestand.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Kies een .xlsx-, .csv- of .xml-bestand."))
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file ("kolom_0", …), and the optional filter on one column."""

    filter_kolom = forms.ChoiceField(label=_("Alleen regels waarin de kolom"), required=False)
    filter_waarde = forms.CharField(
        label=_("de waarde heeft"),
        required=False,
        max_length=60,
        help_text=_("Bijvoorbeeld 4* voor alle klassen die met 4 beginnen. Leeg: alle regels."),
    )

    def __init__(self, *args, headings: list[str], samples: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        self.samples = samples
        choices = [("", _("— niet gebruiken —")), *FIELDS.items()]
        for index, heading in enumerate(headings):
            self.fields[f"kolom_{index}"] = forms.ChoiceField(
                label=heading or _("(kolom zonder naam)"),
                choices=choices,
                required=False,
                initial=mapping.get(str(index), ""),
            )
        cast(forms.ChoiceField, self.fields["filter_kolom"]).choices = [
            ("", _("— geen filter —")),
            *[(str(i), h or _("(kolom zonder naam)")) for i, h in enumerate(headings)],
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )

    def columns(self):
        return [(self[f"kolom_{i}"], self.samples[i]) for i in range(len(self.headings))]

    def mapping(self) -> dict[str, str]:
        return {
            str(i): self.cleaned_data[f"kolom_{i}"]
            for i in range(len(self.headings))
            if self.cleaned_data.get(f"kolom_{i}")
        }

    def clean(self):
        data = super().clean() or {}
        for error in problems(self.mapping()):
            self.add_error(None, error)
        if data.get("filter_waarde", "").strip() and not data.get("filter_kolom"):
            self.add_error("filter_kolom", _("Kies de kolom waarop u wilt filteren."))
        return data

    def filter_column(self) -> int | None:
        value = self.cleaned_data.get("filter_kolom") or ""
        return int(value) if value else None
