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
        return _("Uw wachtwoord moet zowel letters als cijfers bevatten.")


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
        return _("Uw wachtwoord moet minimaal %(min_length)d tekens lang zijn.") % {"min_length": self.min_length}


# Words that Dutch users often build a password on ("welkom123", "Wachtwoord2026!"). Django's own list
# is English; these come on top of it. A password is refused when, without its digits and signs, it is
# one of these words, or when it contains "voroc".
COMMON_DUTCH_WORDS = frozenset(
    """
    welkom wachtwoord geheim voetbal zomer winter lente herfst school leerling mentor decaan
    amsterdam rotterdam denhaag utrecht delft feyenoord ajax psv oranje nederland holland
    hallo hoi doei liefde schat prinses konijn hond kat paard vakantie gemeente schooljaar
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april
    mei juni juli augustus september oktober november december qwerty azerty abcdef
    """.split()
)


class CommonDutchPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        letters = re.sub(r"[^a-zà-ÿ]", "", lowered)
        if letters in COMMON_DUTCH_WORDS or "voroc" in lowered:
            raise ValidationError(_("Dit wachtwoord is te makkelijk te raden."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Uw wachtwoord is geen veelgebruikt woord met een paar cijfers.")
