"""The buttons of the form page (views/fill.py): what each one posts as ``actie``, named once for the view and
the templates (which write them with ``{% actie "NEXT" %}``, doorstroom_tags)."""

from __future__ import annotations

from enum import StrEnum

SEPARATOR = ":"


class Action(StrEnum):
    # Simple buttons: the posted value is exactly this.
    NEXT = "verder"
    BACK = "terug"
    SAVE = "opslaan"
    CANCEL = "annuleer"  # asks first when there is unsaved input
    CANCEL_CONFIRMED = "annuleer-ja"
    STAY = "blijf"  # keep the input and stay on the step ("Toevoegen" of an attachment, "Nee")
    TAKE_OVER_ALL = "overnemen-alle"  # every suggested answer of the step for the fields still empty (suggestions.py)
    # Buttons with an argument after the separator.
    GO_TO = "naar"  # naar:<step>
    ADD_ROW = "rij"  # rij:<field>
    REMOVE_ROW = "rij-weg"  # rij-weg:<field>:<row index>
    REMOVE_ATTACHMENT = "bijlage-weg"  # bijlage-weg:<attachment>, asks first
    REMOVE_ATTACHMENT_CONFIRMED = "bijlage-weg-ja"  # bijlage-weg-ja:<attachment>
    TAKE_OVER = "overnemen"  # overnemen:<field>, the suggested answer of one field (suggestions.py)

    def posted(self, *arguments: object) -> str:
        """The value the button posts: ``Action.REMOVE_ROW.posted("stages", 0)`` → ``"rij-weg:stages:0"``."""
        return SEPARATOR.join([self.value, *map(str, arguments)])

    @classmethod
    def parse(cls, posted: str) -> tuple[Action | None, str]:
        """(the button, its argument) from the posted value; (None, "") for a value no button posts."""
        if posted in SIMPLE:
            return cls(posted), ""
        name, _sep, argument = posted.partition(SEPARATOR)
        if name in WITH_ARGUMENT:
            return cls(name), argument
        return None, ""


WITH_ARGUMENT = frozenset(
    {
        Action.GO_TO,
        Action.ADD_ROW,
        Action.REMOVE_ROW,
        Action.REMOVE_ATTACHMENT,
        Action.REMOVE_ATTACHMENT_CONFIRMED,
        Action.TAKE_OVER,
    }
)
SIMPLE = frozenset(set(Action) - WITH_ARGUMENT)
