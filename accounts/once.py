"""Once only: a create posted twice (a double click on "Opslaan", or the browser's back button and the same form sent
again) makes one row.

The rule is a uniqueness rule on content: the service that creates first looks for the row the same person made
with the same content a few minutes ago (``earlier_post``), and returns that row instead of making a second one. The
row it returns is marked, so that the screen shows its usual result and says that nothing was added twice
(``done_message``). Every create from a form uses this one rule; a create that has a uniqueness rule of its own (a
group's name, a login name, an opleiding per pupil) looks here before it refuses the second post as a clash.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

REPEAT_WINDOW = datetime.timedelta(minutes=10)

_MARK = "_posted_twice"

M = TypeVar("M", bound=Model)


def earlier_post(rows: QuerySet[M], *, at: str = "created_at", **same: Any) -> M | None:
    """The newest of ``rows`` with the values ``same`` made within REPEAT_WINDOW (``at`` names its time), marked
    as posted twice; None when there is none and the row should be made."""
    since = timezone.now() - REPEAT_WINDOW
    row = rows.filter(**same, **{f"{at}__gte": since}).order_by(f"-{at}", "-pk").first()
    if row is not None:
        setattr(row, _MARK, True)
    return row


def posted_twice(row: object) -> bool:
    """Whether a service returned the row an earlier post made (earlier_post) instead of a new one."""
    return bool(getattr(row, _MARK, False))


def done_message(row: object, text: str) -> str:
    """``text`` after a save; for a form posted twice, that the second post added nothing."""
    if posted_twice(row):
        return _(
            "Dit was al opgeslagen: het formulier is twee keer verstuurd (bijvoorbeeld door dubbel klikken of via "
            "de knop Terug). Er is niets dubbel vastgelegd."
        )
    return text


def existing_row(rows: QuerySet[M], **same: Any) -> M | None:
    """For a create whose content is unique by nature and that keeps no time (a melder: the same name and function
    at one school is the same person): the row with the values ``same``, marked as posted twice; None when there is
    none and the row should be made."""
    row = rows.filter(**same).order_by("pk").first()
    if row is not None:
        setattr(row, _MARK, True)
    return row
