"""The one-row path: a row applied through students.aanmeldingen (add_aanmelding, record_status with
``source="feed"``) and notifications.services.notify, with a few queries per row.

It is what matches rows that waited for a pupil (a handful at a time, when a school adds the pupil), and
the reference the bulk path (engine.py) is tested against: the same rows in the same order give the same
aanmeldingen, history and meldingen (tests/feedback/test_rules_agree.py).
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Organisation
from notifications.models import MeldingKind
from notifications.services import notify
from students.aanmeldingen import add_aanmelding, record_status
from students.models import Aanmelding, Opleiding, Pupil, StatusSource

from . import rules
from .parser import SORT_KEY, FeedRow
from .rules import Catalogue, Outcome, RowResult


def apply_rows(*, school: Organisation, rows: list[FeedRow], batch_id: int | None) -> list[RowResult]:
    return [apply_row(school=school, row=row, batch_id=batch_id) for row in sorted(rows, key=SORT_KEY)]


@transaction.atomic
def apply_row(*, school: Organisation, row: FeedRow, batch_id: int | None) -> RowResult:
    Organisation.objects.select_for_update().filter(pk=school.pk).first()
    aanmelding = (
        Aanmelding.objects.select_related("pupil", "opleiding")
        .filter(mbo_school=school, external_id=row.aanmelding_id)
        .first()
    )
    if aanmelding is None:
        return _first_row(school, row, batch_id)
    if aanmelding.pupil.bsn_index != row.bsn_index:
        return RowResult(row, Outcome.REJECTED, "bsn", rules.reason_other_bsn())
    catalogue = Catalogue(school, [row.crebo], also=[aanmelding.opleiding_id])
    if catalogue.missing(row):
        return RowResult(row, Outcome.WAITING, "crebo", rules.reason_unknown_opleiding(row))
    opleiding_id, problem_field, problem = catalogue.opleiding_for(row, aanmelding.opleiding_id)
    if opleiding_id is None:
        return RowResult(row, Outcome.REJECTED, problem_field, problem)
    return _existing(school, row, aanmelding, opleiding_id, catalogue, batch_id, adopted=False)


def _first_row(school: Organisation, row: FeedRow, batch_id: int | None) -> RowResult:
    catalogue = Catalogue(school, [row.crebo])
    if catalogue.missing(row):
        return RowResult(row, Outcome.WAITING, "crebo", rules.reason_unknown_opleiding(row))
    opleiding_id, problem_field, problem = catalogue.opleiding_for(row, None)
    if opleiding_id is None:
        return RowResult(row, Outcome.REJECTED, problem_field, problem)
    info = rules.best_pupils([row.bsn_index]).get(row.bsn_index)
    if info is None:
        return RowResult(row, Outcome.UNMATCHED, "bsn", rules.reason_unmatched())
    pupil = Pupil.objects.select_related("school").get(pk=info.pk)
    existing = (
        Aanmelding.objects.select_related("pupil", "opleiding")
        .filter(pupil=pupil, opleiding_id=opleiding_id, school_year=pupil.school_year)
        .first()
    )
    if existing is not None:
        if existing.external_id:
            return RowResult(
                row, Outcome.REJECTED, "crebo", rules.reason_taken(existing.external_id), pupil_id=pupil.pk
            )
        existing.external_id = row.aanmelding_id
        existing.full_clean()
        existing.save(update_fields=["external_id"])
        return _existing(school, row, existing, opleiding_id, catalogue, batch_id, adopted=True)
    count = Aanmelding.objects.filter(pupil=pupil, mbo_school=school, school_year=pupil.school_year).count() + 1
    opleiding = Opleiding.objects.get(pk=opleiding_id)
    aanmelding = add_aanmelding(
        pupil=pupil,
        opleiding=opleiding,
        status=row.status,
        at=row.at,
        source=StatusSource.FEED,
        location=_location(catalogue, row.locatie),
        external_id=row.aanmelding_id,
        cohort=row.cohort,
        note=rules.history_note(batch_id, row.line),
    )
    notify(
        organisation=pupil.school,
        kind=MeldingKind.STATUS,
        text=rules.new_aanmelding_text(
            name=pupil.full_name, status=row.status, opleiding=opleiding.name, school=school.name, count=count
        ),
        pupil=pupil,
        link=rules.pupil_link(pupil.pk),
        dedupe_key=f"feed:{aanmelding.pk}:new",
    )
    warning = rules.warning_limit(count) if count > rules.MAX_AANMELDINGEN_PER_MBO_SCHOOL else ""
    return RowResult(row, Outcome.NEW, warning=warning, pupil_id=pupil.pk)


def _location(catalogue: Catalogue, name: str):
    from students.models import Location

    pk = catalogue.location_for(name)
    return Location.objects.get(pk=pk) if pk else None


def _existing(
    school: Organisation,
    row: FeedRow,
    aanmelding: Aanmelding,
    opleiding_id: int,
    catalogue: Catalogue,
    batch_id: int | None,
    *,
    adopted: bool,
) -> RowResult:
    pupil_id = aanmelding.pupil_id
    current_after = rules.is_current(row, aanmelding.status, aanmelding.status_at)
    if current_after and opleiding_id != aanmelding.opleiding_id:
        taken = (
            Aanmelding.objects.filter(pupil_id=pupil_id, opleiding_id=opleiding_id, school_year=aanmelding.school_year)
            .exclude(pk=aanmelding.pk)
            .first()
        )
        if taken is not None:
            return RowResult(row, Outcome.REJECTED, "crebo", rules.reason_taken(taken.external_id), pupil_id=pupil_id)
    changed = adopted
    seen = {rules.history_key(s, at) for s, at in aanmelding.history.values_list("status", "at")}
    if rules.history_key(row.status, row.at) not in seen:
        record_status(
            aanmelding=aanmelding,
            status=row.status,
            at=row.at,
            source=StatusSource.FEED,
            note=rules.history_note(batch_id, row.line),
        )
        changed = True
    if current_after:
        location_id = catalogue.location_for(row.locatie) if row.locatie else aanmelding.location_id
        cohort = row.cohort if row.cohort is not None else aanmelding.cohort
        if (opleiding_id, location_id, cohort) != (aanmelding.opleiding_id, aanmelding.location_id, aanmelding.cohort):
            aanmelding.opleiding_id, aanmelding.location_id, aanmelding.cohort = opleiding_id, location_id, cohort
            aanmelding.full_clean()
            aanmelding.save(update_fields=["opleiding", "location", "cohort"])
            changed = True
    return RowResult(row, Outcome.UPDATED if changed else Outcome.UNCHANGED, pupil_id=pupil_id)
