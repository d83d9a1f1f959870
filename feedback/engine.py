"""The bulk path: apply one chunk of valid rows with a fixed number of queries and bulk writes.

The rules are those of students.aanmeldingen for one row (add_aanmelding and record_status with
``source="feed"``), applied in the same order (rows sorted by aanmelding_id, status_datum, line):

* a known ``aanmelding_id`` (per mbo-school) is that aanmelding; a row for it with another BSN is rejected;
* an unknown one goes to the pupil of the BSN (rules.best_pupils); no pupil: the row waits (unmatched);
  an aanmelding of that pupil for the same opleiding without an id yet (entered before the school was
  connected) is taken over; with another id, the row is rejected;
* every (status, moment) not yet in the history is added, once; the current status follows only when the
  row is not older than it, and every change of current status is a melding for the vo-school, as is a
  new aanmelding;
* opleiding, locatie and cohort follow the row that describes the current status.

tests/feedback/test_rules_agree.py runs the same rows through this module and through rowwise.py (the
one-row services) and compares aanmeldingen, history and meldingen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from accounts.models import Organisation
from notifications.models import Melding, MeldingKind
from students.models import Aanmelding, StatusChange, StatusSource

from . import rules
from .parser import FeedRow
from .rules import Catalogue, Outcome, PupilInfo, RowResult

UPDATE_FIELDS = ["external_id", "status", "status_at", "opleiding_id", "location_id", "cohort"]


class _State:
    """An aanmelding as the chunk sees it: what it was, what it becomes."""

    __slots__ = (
        "pk",
        "external_id",
        "pupil",
        "school_year",
        "status",
        "status_at",
        "opleiding_id",
        "location_id",
        "cohort",
        "history",
        "dirty",
        "new",
    )

    def __init__(
        self, *, pk, external_id, pupil: PupilInfo, school_year, status, status_at, opleiding_id, location_id, cohort
    ):
        self.pk = pk
        self.external_id = external_id
        self.pupil = pupil
        self.school_year = school_year
        self.status = status
        self.status_at = status_at
        self.opleiding_id = opleiding_id
        self.location_id = location_id
        self.cohort = cohort
        self.history: set[tuple[int, datetime.datetime]] = set()
        self.dirty = False
        self.new = pk is None


@dataclass
class ChunkResult:
    results: list[RowResult] = field(default_factory=list)


_AANMELDING_FIELDS = (
    "pk",
    "external_id",
    "pupil_id",
    "school_year",
    "status",
    "status_at",
    "opleiding_id",
    "location_id",
    "cohort",
)


def apply_chunk(*, school: Organisation, rows: list[FeedRow], batch_id: int | None) -> ChunkResult:
    """Apply ``rows`` (sorted by ``FeedRow.sort_key``, every aanmelding's rows together) for ``school``."""
    result = ChunkResult()
    chunk = _Chunk(school, rows, batch_id)
    chunk.load()
    for _ext_id, group in groupby(rows, key=lambda r: r.aanmelding_id):
        for row in group:
            result.results.append(chunk.apply(row))
    chunk.write()
    return result


class _Chunk:
    def __init__(self, school: Organisation, rows: list[FeedRow], batch_id: int | None) -> None:
        self.school = school
        self.rows = rows
        self.batch_id = batch_id
        self.states: dict[str, _State] = {}  # by aanmelding_id
        self.by_key: dict[tuple[int, int, int], _State] = {}  # (pupil, opleiding, school year)
        self.per_pupil_year: dict[tuple[int, int], list[_State]] = {}
        self.pupils: dict[str, PupilInfo] = {}
        self.new_history: list[tuple[_State, int, datetime.datetime, int]] = []
        # (state, text, event): the text as decided; the event ("new" or "status:<status>:<moment>") keys it once.
        self.meldingen: list[tuple[_State, str, str]] = []

    # --- reading: a fixed number of queries ---------------------------------------------------------------

    def load(self) -> None:
        school = self.school
        ext_ids = list({r.aanmelding_id for r in self.rows})
        # 1. The aanmeldingen the feed already knows, with their pupil.
        known_pupils: dict[int, PupilInfo] = {}
        for values in (
            Aanmelding.objects.filter(mbo_school=school, external_id__in=ext_ids)
            .order_by()
            .values(
                *_AANMELDING_FIELDS,
                "pupil__bsn_index",
                "pupil__school_id",
                "pupil__school_year",
                "pupil__voornaam",
                "pupil__tussenvoegsel",
                "pupil__achternaam",
            )
        ):
            pupil = known_pupils.setdefault(
                values["pupil_id"],
                PupilInfo(
                    pk=values["pupil_id"],
                    bsn_index=values["pupil__bsn_index"] or "",
                    school_id=values["pupil__school_id"],
                    school_year=values["pupil__school_year"],
                    full_name=rules.full_name(
                        values["pupil__voornaam"], values["pupil__tussenvoegsel"], values["pupil__achternaam"]
                    ),
                ),
            )
            self._remember(self._state(values, pupil))
        # 2. The pupils of the rows whose aanmelding is new to the feed.
        self.pupils = rules.best_pupils(r.bsn_index for r in self.rows if r.aanmelding_id not in self.states)
        pupils_by_pk = {**known_pupils, **{p.pk: p for p in self.pupils.values()}}
        # 3. Their other aanmeldingen at this school (to take over, to keep one per opleiding, to count).
        known_pks = [s.pk for s in self.states.values()]
        for values in (
            Aanmelding.objects.filter(mbo_school=school, pupil_id__in=list(pupils_by_pk))
            .exclude(pk__in=known_pks)
            .order_by("pk")
            .values(*_AANMELDING_FIELDS)
        ):
            self._remember(self._state(values, pupils_by_pk[values["pupil_id"]]))
        # 4. Their history.
        by_pk = {s.pk: s for s in self._all_states()}
        for aanmelding_id, status, moment in StatusChange.objects.filter(aanmelding_id__in=list(by_pk)).values_list(
            "aanmelding_id", "status", "at"
        ):
            by_pk[aanmelding_id].history.add(rules.history_key(status, moment))
        # 5. The opleidingen the rows name, and those the aanmeldingen have (for the meldingen' texts).
        self.catalogue = Catalogue(school, {r.crebo for r in self.rows}, also={s.opleiding_id for s in by_pk.values()})

    def _all_states(self):
        seen: set[int] = set()
        for states in self.per_pupil_year.values():
            for state in states:
                if id(state) not in seen:
                    seen.add(id(state))
                    yield state

    @staticmethod
    def _state(values: dict, pupil: PupilInfo) -> _State:
        return _State(
            pk=values["pk"],
            external_id=values["external_id"],
            pupil=pupil,
            school_year=values["school_year"],
            status=values["status"],
            status_at=values["status_at"],
            opleiding_id=values["opleiding_id"],
            location_id=values["location_id"],
            cohort=values["cohort"],
        )

    def _remember(self, state: _State) -> None:
        if state.external_id:
            self.states[state.external_id] = state
        self.by_key[(state.pupil.pk, state.opleiding_id, state.school_year)] = state
        self.per_pupil_year.setdefault((state.pupil.pk, state.school_year), []).append(state)

    # --- deciding, row by row, in memory ------------------------------------------------------------------

    def apply(self, row: FeedRow) -> RowResult:
        state = self.states.get(row.aanmelding_id)
        if state is None:
            return self._first_row(row)
        if state.pupil.bsn_index != row.bsn_index:
            return RowResult(row, Outcome.REJECTED, "bsn", rules.reason_other_bsn())
        opleiding_id, problem_field, problem = self.catalogue.opleiding_for(row, state.opleiding_id)
        if opleiding_id is None:
            return RowResult(row, Outcome.REJECTED, problem_field, problem)
        return self._existing(row, state, opleiding_id, adopted=False)

    def _first_row(self, row: FeedRow) -> RowResult:
        pupil = self.pupils.get(row.bsn_index)
        if pupil is None:
            return RowResult(row, Outcome.UNMATCHED, "bsn", rules.reason_unmatched())
        opleiding_id, problem_field, problem = self.catalogue.opleiding_for(row, None)
        if opleiding_id is None:
            return RowResult(row, Outcome.REJECTED, problem_field, problem, pupil_id=pupil.pk)
        existing = self.by_key.get((pupil.pk, opleiding_id, pupil.school_year))
        if existing is not None:
            if existing.external_id:
                return RowResult(
                    row, Outcome.REJECTED, "crebo", rules.reason_taken(existing.external_id), pupil_id=pupil.pk
                )
            # Entered before the school was connected (or by hand): the feed takes it over under its id.
            existing.external_id = row.aanmelding_id
            existing.dirty = True
            self.states[row.aanmelding_id] = existing
            return self._existing(row, existing, opleiding_id, adopted=True)
        state = _State(
            pk=None,
            external_id=row.aanmelding_id,
            pupil=pupil,
            school_year=pupil.school_year,
            status=row.status,
            status_at=row.at,
            opleiding_id=opleiding_id,
            location_id=self.catalogue.location_for(row.locatie),
            cohort=row.cohort,
        )
        self._remember(state)
        state.history.add(rules.history_key(row.status, row.at))
        self.new_history.append((state, row.status, row.at, row.line))
        count = len(self.per_pupil_year[(pupil.pk, pupil.school_year)])
        self.meldingen.append(
            (
                state,
                rules.new_aanmelding_text(
                    name=pupil.full_name,
                    status=row.status,
                    opleiding=self.catalogue.names[opleiding_id],
                    school=self.school.name,
                    count=count,
                ),
                "new",
            )
        )
        warning = rules.warning_limit(count) if count > rules.MAX_AANMELDINGEN_PER_MBO_SCHOOL else ""
        return RowResult(row, Outcome.NEW, warning=warning, pupil_id=pupil.pk)

    def _existing(self, row: FeedRow, state: _State, opleiding_id: int, *, adopted: bool) -> RowResult:
        current_after = rules.is_current(row, state.status, state.status_at)
        if current_after and opleiding_id != state.opleiding_id:
            taken = self.by_key.get((state.pupil.pk, opleiding_id, state.school_year))
            if taken is not None and taken is not state:
                return RowResult(
                    row, Outcome.REJECTED, "crebo", rules.reason_taken(taken.external_id), pupil_id=state.pupil.pk
                )
        changed = adopted
        key = rules.history_key(row.status, row.at)
        if key not in state.history:
            state.history.add(key)
            self.new_history.append((state, row.status, row.at, row.line))
            changed = True
            if row.at >= state.status_at:
                previous = state.status
                state.status, state.status_at, state.dirty = row.status, row.at, True
                if previous != row.status:
                    text = rules.status_text(
                        name=state.pupil.full_name,
                        status=row.status,
                        opleiding=self.catalogue.names[state.opleiding_id],
                        school=self.school.name,
                    )
                    self.meldingen.append((state, text, f"status:{row.status}:{row.at:%Y%m%dT%H%M%S%z}"))
        if current_after:
            location_id = self.catalogue.location_for(row.locatie) if row.locatie else state.location_id
            cohort = row.cohort if row.cohort is not None else state.cohort
            if (opleiding_id, location_id, cohort) != (state.opleiding_id, state.location_id, state.cohort):
                self.by_key.pop((state.pupil.pk, state.opleiding_id, state.school_year), None)
                state.opleiding_id, state.location_id, state.cohort = opleiding_id, location_id, cohort
                self.by_key[(state.pupil.pk, opleiding_id, state.school_year)] = state
                state.dirty = changed = True
        return RowResult(row, Outcome.UPDATED if changed else Outcome.UNCHANGED, pupil_id=state.pupil.pk)

    # --- writing: bulk -------------------------------------------------------------------------------------

    def write(self) -> None:
        school = self.school
        created = [s for s in self._all_states() if s.new]
        objects = [
            Aanmelding(
                pupil_id=s.pupil.pk,
                opleiding_id=s.opleiding_id,
                mbo_school=school,
                location_id=s.location_id,
                school_year=s.school_year,
                external_id=s.external_id,
                cohort=s.cohort,
                status=s.status,
                status_at=s.status_at,
            )
            for s in created
        ]
        Aanmelding.objects.bulk_create(objects, batch_size=1000)
        if objects and objects[0].pk is None:  # a database that does not return ids from a bulk insert
            ids = dict(
                Aanmelding.objects.filter(
                    mbo_school=school, external_id__in=[s.external_id for s in created]
                ).values_list("external_id", "pk")
            )
            for obj in objects:
                obj.pk = ids[obj.external_id]
        for state, obj in zip(created, objects, strict=True):
            state.pk = obj.pk
        changed = [
            Aanmelding(
                pk=s.pk,
                external_id=s.external_id,
                status=s.status,
                status_at=s.status_at,
                opleiding_id=s.opleiding_id,
                location_id=s.location_id,
                cohort=s.cohort,
            )
            for s in self._all_states()
            if s.dirty and not s.new
        ]
        if changed:
            Aanmelding.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=500)
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    aanmelding_id=state.pk,
                    status=status,
                    at=moment,
                    source=StatusSource.FEED,
                    note=rules.history_note(self.batch_id, line),
                )
                for state, status, moment, line in self.new_history
            ],
            batch_size=1000,
        )
        # A melding per event at most once, also when a chunk is ever applied twice.
        Melding.objects.bulk_create(
            [
                Melding(
                    organisation_id=state.pupil.school_id,
                    kind=MeldingKind.STATUS,
                    text=text,
                    pupil_id=state.pupil.pk,
                    link=rules.pupil_link(state.pupil.pk),
                    dedupe_key=f"feed:{state.pk}:{event}",
                )
                for state, text, event in self.meldingen
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
