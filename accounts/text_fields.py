"""Free text with a maximum: the form refuses a longer text with a message naming the field and the limit (nothing is
cut off), and the text area carries ``maxlength``, which the character counter of static/js/voroc.js shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def too_long_message(label: Any) -> Any:
    """The refusal of a too long text, naming the field; Django fills in the limit and the length."""
    return format_lazy(
        _("{field}: maximaal %(limit_value)d tekens; nu %(show_value)d. Maak de tekst korter."), field=label
    )


class LimitedText(forms.CharField):
    """A text area of at most ``limit`` characters. A line break counts as one character, as in the browser's
    counter (a browser sends it as two)."""

    def __init__(self, *, limit: int, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(max_length=limit, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)
        self.error_messages["max_length"] = too_long_message(self.label)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_python(value)


def check_length(text: str, *, field: str, label: Any, limit: int) -> str:
    """The service's own check of a limit the form also checks (a post that skips the form is refused the same)."""
    if len(text) > limit:
        message = str(too_long_message(label)) % {"limit_value": limit, "show_value": len(text)}
        raise ValidationError({field: message})
    return text
