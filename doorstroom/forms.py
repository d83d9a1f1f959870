"""Django forms for one step of a declared form, and the step between posted input and stored answers.

Every field is optional for Django: "Opslaan" keeps what is filled, also with required fields empty
(required only counts towards completion and is marked ``*``). What is typed but not valid (a date that
does not exist, a number out of range, a row without its required column) is kept as it was typed
(``invalid``) and shown again with its error, so nothing typed is lost; it is saved once it is valid.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from students.bsn import MASK, bsn_like_numbers, mask_bsn_like
from students.text import posted_number

from .declaration import (
    CHOICE,
    DATE,
    MULTICHOICE,
    NUMBER,
    ROWS,
    SCORE,
    TEXT,
    TEXTAREA,
    YESNO,
    Field,
    Step,
    is_filled,
)
from .engine import normalise

PREFIX = "a"  # posted names are "a-<key>", so no field can be named like a button ("actie", "naar")
DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]


def field_name(key: str) -> str:
    return f"{PREFIX}-{key}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _attrs(fld: Field) -> dict[str, str]:
    attrs = {}
    if fld.placeholder:
        attrs["placeholder"] = fld.placeholder
    return attrs


NONE = "geen"  # in a multiple choice, "Geen …" stands alone (doorstroom/declaration.py)


class NoneStandsAlone:
    """ "Geen" together with another choice says two things at once: the mbo could not know which holds."""

    def __init__(self, fld: Field):
        self.label = dict(fld.choices)[NONE]

    def __call__(self, value: Any) -> None:
        if NONE in (value or []) and len(value) > 1:
            raise ValidationError(
                _("“%(none)s” kan niet samen met een andere keuze: vink het een of het ander uit.")
                % {"none": self.label}
            )


def no_bsn(value: Any) -> None:
    """Free text goes to the mbo: a BSN in it would leave VOROC (it never does). Input that is not valid is kept
    to show again, with such a number masked (``read_post``): the mask is not valid either, so the user sees why."""
    text = str(value or "")
    if bsn_like_numbers(text) or MASK in text:
        raise ValidationError(
            _(
                "Hier staat een nummer dat een BSN lijkt (9 cijfers die aan de elfproef voldoen). Het BSN gaat niet "
                "mee naar het mbo en wordt niet bewaard: laat het weg."
            ),
            code="bsn",
        )


class DateWindow:
    """A date between ``low`` and ``high`` days from today (either may be None): no discussion held in 2031, no
    test of the last two years from 2019."""

    def __init__(self, low: int | None, high: int | None):
        self.low, self.high = low, high

    def __call__(self, value: datetime.date) -> None:
        today = timezone.localdate()
        if self.high is not None and value > today + datetime.timedelta(days=self.high):
            if self.high == 0:
                raise ValidationError(_("Deze datum ligt in de toekomst. Vul vandaag of een eerdere datum in."))
            limit = today + datetime.timedelta(days=self.high)
            raise ValidationError(_("Vul een datum in tot en met %(date)s.") % {"date": limit.strftime("%d-%m-%Y")})
        if self.low is not None and value < today + datetime.timedelta(days=self.low):
            limit = today + datetime.timedelta(days=self.low)
            raise ValidationError(
                _("Deze datum ligt te ver terug. Vul een datum in vanaf %(date)s.")
                % {"date": limit.strftime("%d-%m-%Y")}
            )

    def __eq__(self, other) -> bool:  # Django compares validators when it deconstructs fields
        return isinstance(other, DateWindow) and (self.low, self.high) == (other.low, other.high)


def django_field(fld: Field) -> forms.Field:
    common: dict[str, Any] = {"label": fld.label, "help_text": fld.help, "required": False}
    if fld.type == TEXT:
        return forms.CharField(
            max_length=fld.max_length,
            widget=forms.TextInput(attrs={"class": "form-control", **_attrs(fld)}),
            validators=[no_bsn],
            **common,
        )
    if fld.type == TEXTAREA:
        return forms.CharField(
            max_length=fld.max_length,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", **_attrs(fld)}),
            validators=[no_bsn],
            **common,
        )
    if fld.type == CHOICE and fld.widget == "select":
        choices: list = [("", _("Kies…"))]
        choices += [(group, list(items)) for group, items in fld.groups] if fld.groups else list(fld.choices)
        return forms.ChoiceField(choices=choices, widget=forms.Select(attrs={"class": "form-select"}), **common)
    if fld.type in (CHOICE, YESNO, SCORE):
        return forms.ChoiceField(
            choices=list(fld.choices), widget=forms.RadioSelect(attrs={"class": "form-check-input"}), **common
        )
    if fld.type == MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=list(fld.choices),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            validators=[NoneStandsAlone(fld)] if NONE in dict(fld.choices) else [],
            **common,
        )
    if fld.type == DATE:
        return forms.DateField(
            widget=DateInput(attrs={"class": "form-control"}),
            input_formats=DATE_INPUTS,
            error_messages={
                "invalid": _(
                    "Deze datum bestaat niet of is anders geschreven. Typ dag-maand-jaar, bijvoorbeeld 20-11-2026."
                )
            },
            validators=[DateWindow(fld.min, fld.max)] if fld.min is not None or fld.max is not None else [],
            **common,
        )
    if fld.type == NUMBER:
        return forms.IntegerField(
            min_value=fld.min,
            max_value=fld.max,
            # Text with a numeric keyboard, not type="number": a browser set to Dutch drops the comma of "12,5"
            # there and sends 125. As text, "12,5" reaches the server and is refused with a reason.
            widget=forms.TextInput(attrs={"class": "form-control doorstroom-number", "inputmode": "numeric"}),
            error_messages={"invalid": _("Vul een heel getal in, zonder komma of punt (bijvoorbeeld 12).")},
            validators=[no_bsn],
            **common,
        )
    raise ValueError(fld.type)


def to_json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return normalise(value)


def to_data(fld: Field, value: Any) -> list[str]:
    """A stored answer as the strings a browser would post for it."""
    if not is_filled(value):
        return []
    if fld.type == MULTICHOICE:
        return [str(v) for v in value]
    return [str(value)]


# --- repeatable rows -----------------------------------------------------------------------------------


class RowForm(forms.Form):
    """One row (a stage, a job, a test): a row left empty is dropped, a row without a required column is not
    valid yet."""

    columns: tuple[Field, ...] = ()
    row_label = ""

    def clean(self):
        data = super().clean() or {}
        if not any(is_filled(v) for v in data.values()):
            return data
        for column in self.columns:
            if column.required and not is_filled(data.get(column.key)) and column.key not in self.errors:
                self.add_error(
                    column.key,
                    _("Vul “%(column)s” in, of verwijder deze %(row)s.")
                    % {"column": column.label, "row": self.row_label.lower()},
                )
        return data


def row_formset(fld: Field):
    form_class = type(
        f"RowForm_{fld.key}",
        (RowForm,),
        {
            "columns": fld.columns,
            "row_label": fld.row_label,
            **{c.key: django_field(c) for c in fld.columns},
        },
    )
    return forms.formset_factory(
        form_class, extra=0, max_num=fld.max_rows, validate_max=True, absolute_max=fld.max_rows
    )


def rows_prefix(fld: Field) -> str:
    return field_name(fld.key)


def rows_to_data(fld: Field, rows: list[dict], extra: int = 0) -> dict[str, list[str]]:
    prefix = rows_prefix(fld)
    data = {f"{prefix}-TOTAL_FORMS": [str(len(rows) + extra)], f"{prefix}-INITIAL_FORMS": ["0"]}
    for n, row in enumerate(rows):
        for column in fld.columns:
            data[f"{prefix}-{n}-{column.key}"] = to_data(column, row.get(column.key))
    return data


def clean_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        row = {k: to_json(v) for k, v in form.cleaned_data.items()}
        row = {k: v for k, v in row.items() if v is not None}
        if row:
            rows.append(row)
    return rows


# --- a step: posted input → values, stored values → a form to show -----------------------------------------


class StepForm(forms.Form):
    prefix = PREFIX

    def __init__(self, step: Step, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        for fld in step.fields:
            if fld.type not in (ROWS, "record", "attachment"):
                self.fields[fld.key] = django_field(fld)


def read_post(step: Step, post: Mapping, editable: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posted input of ``step`` for the fields in ``editable``: (valid values, invalid raw input).

    A value of None means the field was emptied. Raw input is what the browser sent, to show it again."""
    post = post if isinstance(post, MultiValueDict) else MultiValueDict({k: list(v) for k, v in post.items()})
    values: dict[str, Any] = {}
    invalid: dict[str, Any] = {}
    form = StepForm(step, data=post)
    form.is_valid()
    for fld in step.fields:
        if fld.key not in editable:
            continue
        if fld.type == ROWS:
            prefix = rows_prefix(fld)
            if f"{prefix}-TOTAL_FORMS" not in post:
                continue  # the step was shown without this field (should not happen); keep what is stored
            formset = row_formset(fld)(data=post, prefix=prefix)
            if formset.is_valid():
                values[fld.key] = clean_rows(formset) or None
            else:
                invalid[fld.key] = {k: _kept(post.getlist(k)) for k in post if k.startswith(prefix + "-")}
        elif fld.key in form.fields:
            if fld.key in form.errors:
                invalid[fld.key] = _kept(post.getlist(field_name(fld.key)))
            else:
                values[fld.key] = to_json(form.cleaned_data.get(fld.key))
    return values, invalid


def _kept(raw: list[str]) -> list[str]:
    """Input kept to show again (it is stored with the working copy) holds no BSN. (NUL characters never reach
    here: accounts.middleware.NulCharacterMiddleware leaves them out of every form.)"""
    return [mask_bsn_like(value) for value in raw]


def bound_step(
    step: Step, values: Mapping[str, Any], invalid: Mapping[str, Any], *, extra_rows: Mapping[str, int] | None = None
) -> tuple[StepForm, dict[str, Any]]:
    """The step's form and its row formsets, filled with ``values`` and the ``invalid`` input (with its errors)."""
    extra_rows = extra_rows or {}
    data: MultiValueDict = MultiValueDict()
    formsets = {}
    for fld in step.fields:
        if fld.type == ROWS:
            raw = invalid.get(fld.key)
            if raw is not None:
                rows_data = dict(raw)
                if extra_rows.get(fld.key):
                    total_key = f"{rows_prefix(fld)}-TOTAL_FORMS"
                    posted = posted_number((rows_data.get(total_key) or ["0"])[0]) or 0
                    rows_data[total_key] = [str(min(posted, fld.max_rows) + extra_rows[fld.key])]
            else:
                rows_data = rows_to_data(fld, values.get(fld.key) or [], extra_rows.get(fld.key, 0))
            for k, v in rows_data.items():
                data.setlist(k, list(v))
            formsets[fld.key] = row_formset(fld)(data=data, prefix=rows_prefix(fld))
        elif fld.type not in ("record", "attachment"):
            raw = invalid.get(fld.key)
            data.setlist(field_name(fld.key), list(raw) if raw is not None else to_data(fld, values.get(fld.key)))
    form = StepForm(step, data=data)
    form.is_valid()  # shows the errors of invalid input; valid input has none (nothing is required here)
    for formset in formsets.values():
        formset.is_valid()  # an added row that is still empty is no error (an unchanged extra form)
    return form, formsets


def invalid_messages(step: Step, invalid: Mapping[str, Any]) -> list[tuple[Field, list[str]]]:
    """Which fields of ``step`` hold input that is not valid, and why (for "Niet opgeslagen: …")."""
    form, formsets = bound_step(step, {}, invalid)
    found = []
    for fld in step.fields:
        if fld.key not in invalid:
            continue
        if fld.type == ROWS:
            formset = formsets[fld.key]
            errors = [str(e) for row in formset.errors for errs in row.values() for e in errs]
            errors += [str(e) for e in formset.non_form_errors()]
        else:
            errors = [str(e) for e in form.errors.get(fld.key, [])]
        found.append((fld, errors or [_("Controleer dit veld.")]))
    return found


def remove_row(fld: Field, index: int, post: MultiValueDict, values: dict, invalid: dict) -> None:
    """ "Verwijder" on row ``index`` of repeatable rows: the posted rows without that one (valid or not)."""
    prefix = rows_prefix(fld)
    if f"{prefix}-TOTAL_FORMS" not in post:
        return
    posted_total = (post.getlist(f"{prefix}-TOTAL_FORMS") or ["0"])[0]
    total = min(posted_number(posted_total) or 0, fld.max_rows + 1)
    rebuilt: MultiValueDict = MultiValueDict()
    kept = 0
    for n in range(total):
        if n == index:
            continue
        for column in fld.columns:
            rebuilt.setlist(f"{prefix}-{kept}-{column.key}", post.getlist(f"{prefix}-{n}-{column.key}"))
        kept += 1
    rebuilt.setlist(f"{prefix}-TOTAL_FORMS", [str(kept)])
    rebuilt.setlist(f"{prefix}-INITIAL_FORMS", ["0"])
    formset = row_formset(fld)(data=rebuilt, prefix=prefix)
    if formset.is_valid():
        invalid.pop(fld.key, None)
        values[fld.key] = clean_rows(formset) or None
    else:
        values.pop(fld.key, None)
        invalid[fld.key] = {k: _kept(rebuilt.getlist(k)) for k in rebuilt}


def conditions_json(step_or_field) -> str:
    return json.dumps(step_or_field.show_if.as_data()) if step_or_field.show_if else ""
