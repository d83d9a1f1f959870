"""Password rule of the handleiding, made stricter: at least one letter and at least one digit."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    def validate(self, password: str, user=None) -> None:
        if not re.search(r"[A-Za-zÀ-ÿ]", password) or not re.search(r"[0-9]", password):
            raise ValidationError(
                _("Het wachtwoord moet zowel letters als cijfers bevatten."), code="password_letters_digits"
            )

    def get_help_text(self) -> str:
        return _("Uw wachtwoord bevat zowel letters als cijfers.")


class MinimumLengthValidator:
    """Django's rule with a Dutch message (Django's own Dutch catalogue lacks the new wording)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("Dit wachtwoord is te kort: gebruik minimaal %(min_length)d tekens.")
                % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("Uw wachtwoord bestaat uit minimaal %(min_length)d tekens.") % {"min_length": self.min_length}
