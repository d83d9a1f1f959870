"""Dossiers brought to the akkoordverklaring for tests: part A complete (through the services), a confirmed choice,
and for VO-MBO the mentor's part B with a verdict per page set directly (the mentor's route is dossier/mentor.py's)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doorstroom.engine import evaluate
from dossier.filling import choose_location, choose_opleiding, choose_school, confirm_choice, start_dossier
from dossier.flow import finish_part_a
from dossier.models import Dossier, DossierState

from .helpers import valid_answer


def complete(declaration, answers: dict, *, known: dict | None = None) -> dict:
    """Every shown question answered (again after each answer shows more); ``known`` is read for conditions only."""
    answers = dict(answers)
    for _round in range(6):
        shown = evaluate(declaration, {**(known or {}), **answers})
        new = {
            f.key: valid_answer(f)
            for step in shown.shown_steps
            for f in step.fields
            if f.is_answer and f.key not in answers
        }
        if not new:
            return answers
        answers.update(new)
    return answers


def born_years_ago(years: int, days: int = 30) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def choose(dossier: Dossier, opleiding, location=None) -> Dossier:
    dossier = choose_school(dossier=dossier, school=opleiding.school)
    if location is not None:
        dossier = choose_location(dossier=dossier, location=location)
    dossier = choose_opleiding(dossier=dossier, opleiding=opleiding)
    return confirm_choice(dossier=dossier)


def at_akkoord(account, opleiding, *, kind: str = "vo-mbo", born: datetime.date | None = None, location=None):
    """A dossier of ``kind`` waiting for the akkoordverklaring, for ``opleiding`` (at ``location``)."""
    dossier = start_dossier(account=account, kind=kind)
    spec = dossier.spec
    answers = complete(spec.part_a, dossier.answers)
    answers["geboortedatum"] = (born or born_years_ago(17)).isoformat()
    Dossier.objects.filter(pk=dossier.pk).update(answers=answers, invalid={})
    dossier.refresh_from_db()
    dossier = choose(dossier, opleiding, location)
    if not spec.has_mentor:
        return finish_part_a(dossier=dossier)
    mentor_keys = {f.key for f in spec.part_b.all_fields()}
    mentor_answers = {k: v for k, v in complete(spec.part_b, {}, known=answers).items() if k in mentor_keys}
    verdicts = {step.key: {"oordeel": "eens", "opmerking": ""} for step in spec.part_a.steps}
    verdicts["motivatie"] = {"oordeel": "oneens", "opmerking": "Kijk nog eens naar de stage in het tweede jaar."}
    now = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(
        mentor_name="Meneer Mentor",
        mentor_email="mentor@example.com",
        mentor_answers=mentor_answers,
        verdicts=verdicts,
        sent_to_mentor_at=now - datetime.timedelta(days=3),
        returned_at=now,
        state=DossierState.AKKOORD,
        akkoord_since=now,
    )
    dossier.refresh_from_db()
    return dossier
