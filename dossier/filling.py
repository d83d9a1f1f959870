"""Writes on a pupil's own dossier: start one (with what the school knows, or with the answers of an earlier dossier),
save a page, choose school, location and opleiding. Keyword-only, validated, atomic, audited.

The pupil alone writes part A, so every button of a page saves it at once ("opslaan en sluiten" is the same save,
then home): valid input into ``answers``, input that is not valid yet kept as typed in ``invalid`` until it is
corrected. Each save merges only the page's own questions into the row as it is now (locked), so a second tab or a
phone and a laptop at once cannot undo each other's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from audit.models import Action
from doorstroom.declaration import CHOICE, MULTICHOICE, ROWS, SCORE, YESNO, Field, Step
from doorstroom.engine import Measured, Progress, evaluate
from students.models import Location, Opleiding

from . import choice as catalogue
from .declaration import KINDS, DossierSpec
from .history import record
from .loader import shipped
from .models import Dossier, DossierState, PupilAccount
from .records import prefilled
from .selectors import locked_dossier


@dataclass
class DossierProgress(Measured):
    """Part A as the pupil sees it: each page's completion, the vervolgkeuze among them."""

    questions: Progress
    choice: catalogue.ChoiceProgress

    @property
    def required(self) -> int:
        return self.questions.required + self.choice.required

    @property
    def filled(self) -> int:
        return self.questions.filled + self.choice.filled


def progress_of(dossier: Dossier, spec: DossierSpec | None = None) -> DossierProgress:
    spec = spec or dossier.spec
    return DossierProgress(evaluate(spec.part_a, dossier.answers), catalogue.progress_of(dossier))


def _refresh(dossier: Dossier) -> None:
    dossier.percent = progress_of(dossier).percent


def _ensure_editable(dossier: Dossier) -> None:
    if not dossier.editable:
        raise ValidationError(
            _("Dit dossier is %(state)s: deel A kan nu niet veranderen.") % {"state": dossier.get_state_display()}
        )


def _fits(fld: Field, value: Any) -> bool:
    """An answer of an earlier dossier is still a possible answer to this question."""
    offered = {v for v, _label in fld.choices}
    if fld.type in (CHOICE, YESNO, SCORE):
        return value in offered
    if fld.type == MULTICHOICE:
        return isinstance(value, list) and set(value) <= offered
    if fld.type == ROWS:
        return isinstance(value, list) and all(isinstance(row, dict) for row in value)
    return True


def _carried(source: Dossier, spec: DossierSpec) -> tuple[dict, dict]:
    """Every answer of part A of ``source`` that the new dossier asks too (all of them for the same kind), and input
    that was not valid yet, to correct there as well."""
    answers: dict[str, Any] = {}
    invalid: dict[str, Any] = {}
    for fld in spec.part_a.all_fields():
        if not fld.is_answer:
            continue
        if fld.key in source.invalid:
            invalid[fld.key] = source.invalid[fld.key]
        if fld.key in source.answers and _fits(fld, source.answers[fld.key]):
            value = source.answers[fld.key]
            if fld.type == ROWS:
                columns = {c.key for c in fld.columns}
                value = [{k: v for k, v in row.items() if k in columns} for row in value]
            answers[fld.key] = value
    return answers, invalid


@transaction.atomic
def start_dossier(*, account: PupilAccount, kind: str, copy_from: Dossier | None = None) -> Dossier:
    if kind not in KINDS:
        raise ValidationError(_("Kies een van de drie soorten dossier."))
    if copy_from is not None and copy_from.account_id != account.pk:
        raise ValidationError(_("Je kunt alleen antwoorden overnemen uit je eigen dossier."))
    declaration = shipped(kind)
    spec = declaration.parsed()
    answers = prefilled(account, dict(spec.prefill))
    invalid: dict[str, Any] = {}
    if copy_from is not None:
        carried, invalid = _carried(copy_from, spec)
        answers.update(carried)
    dossier = Dossier(
        account=account,
        declaration=declaration,
        kind=kind,
        answers=answers,
        invalid=invalid,
        copied_from=copy_from,
        page=spec.pages[0].key,
    )
    _refresh(dossier)
    dossier.full_clean()
    dossier.save()
    summary = f"gestart: {dossier.get_kind_display()}"
    if copy_from is not None:
        summary += f", antwoorden overgenomen uit dossier {copy_from.pk}"
    record(dossier, summary, action=Action.CREATE)
    return dossier


def _locked(dossier: Dossier) -> Dossier:
    fresh = locked_dossier(dossier.pk)
    _ensure_editable(fresh)
    return fresh


@transaction.atomic
def save_page(*, dossier: Dossier, page: Step, values: dict[str, Any], invalid: dict[str, Any]) -> Dossier:
    """The page's input into the dossier: valid answers (None: emptied) and input that is not valid yet."""
    fresh = _locked(dossier)
    changed = merge_input(page, fresh.answers, fresh.invalid, values, invalid)
    fresh.page = page.key
    _refresh(fresh)
    fresh.save()
    if changed:
        record(fresh, f"{page.title}, {len(changed)} antwoord(en) opgeslagen")
    return fresh


def merge_input(page: Step, answers: dict, kept: dict, values: dict[str, Any], invalid: dict[str, Any]) -> list[str]:
    """A page's input into stored answers (``answers``, for part A or the mentor's part B): valid answers in (None:
    emptied), input that is not valid yet into ``kept`` as typed. The labels of the questions that changed."""
    changed = []
    for fld in page.fields:
        if not fld.is_answer:
            continue
        key = fld.key
        if key in invalid:
            if kept.get(key) != invalid[key]:
                kept[key] = invalid[key]
                changed.append(fld.label)
        elif key in values:
            had_invalid = kept.pop(key, None) is not None
            value = values[key]
            if value != answers.get(key) or had_invalid:
                changed.append(fld.label)
                if value is None:
                    answers.pop(key, None)
                else:
                    answers[key] = value
    return changed


def _save_choice(fresh: Dossier, summary: str) -> Dossier:
    fresh.page = fresh.spec.choice.key
    _refresh(fresh)
    fresh.save()
    record(fresh, summary)
    return fresh


@transaction.atomic
def choose_school(*, dossier: Dossier, school: Organisation) -> Dossier:
    fresh = _locked(dossier)
    if not catalogue.offered().filter(school=school).exists():
        raise ValidationError(_("Bij deze school staan (nog) geen opleidingen in VOROC. Kies een andere school."))
    locations = catalogue.locations_of(school)
    fresh.mbo_school = school
    fresh.location = locations[0] if len(locations) == 1 else None
    fresh.opleiding = None
    fresh.choice_confirmed = False
    return _save_choice(fresh, f"school gekozen: {school.name}")


@transaction.atomic
def choose_location(*, dossier: Dossier, location: Location) -> Dossier:
    fresh = _locked(dossier)
    if fresh.mbo_school is None or location not in catalogue.locations_of(fresh.mbo_school):
        raise ValidationError(_("Kies een locatie van de school die je koos."))
    fresh.location = location
    if (
        fresh.opleiding is not None
        and not catalogue.opleidingen_at(fresh.mbo_school, location).filter(pk=fresh.opleiding.pk).exists()
    ):
        fresh.opleiding = None
    fresh.choice_confirmed = False
    return _save_choice(fresh, f"locatie gekozen: {location}")


@transaction.atomic
def choose_opleiding(*, dossier: Dossier, opleiding: Opleiding) -> Dossier:
    fresh = _locked(dossier)
    if fresh.mbo_school is None:
        raise ValidationError(_("Kies eerst een school."))
    if catalogue.locations_of(fresh.mbo_school) and fresh.location is None:
        raise ValidationError(_("Kies eerst een locatie."))
    if not catalogue.opleidingen_at(fresh.mbo_school, fresh.location).filter(pk=opleiding.pk).exists():
        raise ValidationError(_("Deze opleiding wordt niet gegeven op de school en locatie die je koos."))
    fresh.opleiding = opleiding
    fresh.choice_confirmed = False
    return _save_choice(fresh, f"opleiding gekozen: {opleiding}")


@transaction.atomic
def confirm_choice(*, dossier: Dossier) -> Dossier:
    fresh = _locked(dossier)
    progress = catalogue.progress_of(fresh)
    if fresh.opleiding is None or fresh.mbo_school is None or progress.filled < progress.required - 1:
        raise ValidationError(_("Kies eerst een school, een locatie en een opleiding."))
    fresh.choice_text = catalogue.describe(fresh.opleiding, fresh.mbo_school, fresh.location)
    fresh.choice_confirmed = True
    return _save_choice(fresh, "vervolgkeuze bevestigd")


@transaction.atomic
def reopen_choice(*, dossier: Dossier) -> Dossier:
    """ "Wijzig": the choice stays as it is, but is no longer confirmed."""
    fresh = _locked(dossier)
    fresh.choice_confirmed = False
    return _save_choice(fresh, "vervolgkeuze wordt gewijzigd")


@transaction.atomic
def remove_dossier(*, dossier: Dossier) -> None:
    """A dossier the pupil is still filling in (part A), removed by the pupil: a dossier that went to a mentor or
    to the mbo is part of a record and stays."""
    fresh = locked_dossier(dossier.pk)
    if fresh.state != DossierState.DEEL_A or fresh.consents.exists():
        raise ValidationError(_("Alleen een dossier dat nog niet is opgestuurd, kun je verwijderen."))
    # Recorded before it goes (the line names the dossier's number, which the pupil's own history keeps).
    record(fresh, f"verwijderd door de leerling ({fresh.get_kind_display()})", action=Action.DELETE)
    fresh.delete()
