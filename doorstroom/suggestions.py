"""Answers that VOROC already holds elsewhere for questions of the doorstroomformulier, offered on the fill-in page
under the field with "Overnemen", so that nothing is typed twice.

doorstroom does not know where they come from (the layering: it imports no higher app). A higher app registers a
provider when it starts (its AppConfig.ready): the dossier app offers the answers of the pupil's own
doorstroomdossier. A provider is asked once per page, for the pupil on it, by a user who has that pupil in scope
(the page fetched the pupil through the access rule); it reads through the rule as well.

What a provider offers is checked here against the form: the same type of question, and a value that the form's own
field accepts (a choice the form offers, a text within its length, a date within its window) — what does not fit is
not offered. Suggestions are made only on steps the user may edit (FormRights: a care step only with care rights),
and not where the field says the same already.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from students.models import Pupil

from .access import FormRights
from .audit import readable
from .declaration import ATTACHMENT, RECORD, ROWS, Declaration, Field, Step, is_filled
from .engine import evaluate
from .forms import field_name, read_post, rows_to_data, to_data


@dataclass(frozen=True)
class Offer:
    """What one provider holds for a pupil: how the page names the source, and per question of the form (its key)
    the question of the source that holds the answer (its type says whether it fits) and the answer."""

    source: str  # "het doorstroomdossier van de leerling"
    answers: Mapping[str, tuple[Field, Any]]


Provider = Callable[[User, Pupil], Offer | None]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """Called once at startup by the app that holds the answers (idempotent)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def offers_for(user: User, pupil: Pupil) -> list[Offer]:
    """What every provider holds for this pupil (each reads through the access rule)."""
    offers = (provider(user, pupil) for provider in _PROVIDERS)
    return [offer for offer in offers if offer is not None and offer.answers]


@dataclass(frozen=True)
class Suggestion:
    key: str
    value: Any  # as the form stores it
    text: str  # as a person reads it (the form's own labels of the choices)
    source: str
    empty: bool  # the field holds nothing yet (what "Alle antwoorden … overnemen" fills)


def fitting(fld: Field, source: Field, value: Any) -> Any:
    """``value`` (an answer to the question ``source``) as the form's field ``fld`` would store it, or None when it
    does not fit: another type of question, a choice the form does not offer, a text too long, a date outside the
    field's window, a row with a column the form does not have."""
    if fld.type in (RECORD, ATTACHMENT) or source.type != fld.type or not is_filled(value):
        return None
    if fld.type == ROWS:
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            return None
        columns = {c.key: c.type for c in fld.columns}
        own = {c.key: c.type for c in source.columns}
        if any(key not in columns or columns[key] != own.get(key) for row in value for key in row):
            return None
        data: dict[str, Any] = rows_to_data(fld, value)
    else:
        data = {field_name(fld.key): to_data(fld, value)}
    values, invalid = read_post(Step(key=fld.step, title="", fields=(fld,)), data, {fld.key})
    if fld.key in invalid:
        return None
    return values.get(fld.key)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(v, str) for v in a + b):
        return sorted(a) == sorted(b)  # the ticked boxes of a multiple choice, in any order
    return a == b


def suggestions_for(
    step: Step, rights: FormRights, offers: list[Offer], answers: Mapping[str, Any], invalid: Mapping[str, Any]
) -> dict[str, Suggestion]:
    """Per field of ``step`` the first fitting answer of the offers; none on a step the user may not edit."""
    if not (rights.may_read(step) and rights.may_edit(step)) or not offers:
        return {}
    found: dict[str, Suggestion] = {}
    for fld in step.fields:
        for offer in offers:
            held = offer.answers.get(fld.key)
            value = fitting(fld, *held) if held is not None else None
            if value is None:
                continue
            current = answers.get(fld.key)
            if fld.key not in invalid and _same(current, value):
                break  # the form says this already
            empty = not is_filled(current) and fld.key not in invalid
            found[fld.key] = Suggestion(fld.key, value, readable(fld, value), offer.source, empty)
            break
    return found


def all_empty(spec: Declaration, suggestions: Mapping[str, Suggestion], answers: Mapping[str, Any]) -> dict[str, Any]:
    """What "Alle antwoorden … overnemen" takes: the suggestions for fields that are still empty, and of those only
    the ones that are shown once filled (a question that depends on another shows or stays hidden by the answers
    taken over with it)."""
    chosen = {key: s.value for key, s in suggestions.items() if s.empty}
    while chosen:
        shown = evaluate(spec, {**answers, **chosen}).shown_fields
        hidden = set(chosen) - shown
        if not hidden:
            break
        for key in hidden:
            del chosen[key]
    return chosen
