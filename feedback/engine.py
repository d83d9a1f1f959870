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

from django.utils import timezone

from accounts.models import Organisation
from notifications.models import Melding, MeldingKind
from students.models import Aanmelding, StatusChange, StatusSource
from students.signals import aanmeldingen_created_in_bulk

from . import bulk_sql, rules
from .parser import FeedRow
from .rules import Catalogue, Outcome, PupilInfo, RowResult

UPDATE_FIELDS = ["external_id", "status", "status_at", "opleiding", "location", "cohort"]
AANMELDING_INSERT = [
    "pupil",
    "opleiding",
    "mbo_school",
    "location",
    "school_year",
    "external_id",
    "cohort",
    "status",
    "status_at",
    "created_at",
]
HISTORY_INSERT = ["aanmelding", "status", "at", "source", "user_name", "note", "recorded_at"]
MELDING_INSERT = ["organisation", "kind", "text", "pupil", "link", "dedupe_key", "created_at"]


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
        # 1. The aanmeldingen the feed already knows, and (1b) their pupils.
        known = bulk_sql.by_keys(
            Aanmelding, "external_id", ext_ids, where={"mbo_school": school.pk}, fields=_AANMELDING_FIELDS
        )
        known_pupils = {info.pk: info for info in rules.pupils_by_pk({values["pupil_id"] for values in known})}
        for values in known:
            self._remember(self._state(values, known_pupils[values["pupil_id"]]))
        # 2. The pupils of the rows whose aanmelding is new to the feed.
        self.pupils = rules.best_pupils(r.bsn_index for r in self.rows if r.aanmelding_id not in self.states)
        pupils_by_pk = {**known_pupils, **{p.pk: p for p in self.pupils.values()}}
        # 3. Their other aanmeldingen at this school (to take over, to keep one per opleiding, to count).
        known_pks = {s.pk for s in self.states.values()}
        others = bulk_sql.by_keys(
            Aanmelding, "pupil_id", list(pupils_by_pk), where={"mbo_school": school.pk}, fields=_AANMELDING_FIELDS
        )
        for values in sorted(others, key=lambda v: v["pk"]):
            if values["pk"] not in known_pks:
                self._remember(self._state(values, pupils_by_pk[values["pupil_id"]]))
        # 4. Their history.
        by_pk = {s.pk: s for s in self._all_states()}
        history = bulk_sql.by_keys(
            StatusChange, "aanmelding_id", list(by_pk), where={}, fields=("aanmelding_id", "status", "at")
        )
        for line in history:
            by_pk[line["aanmelding_id"]].history.add(rules.history_key(line["status"], line["at"]))
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
        now = timezone.now()
        created = [s for s in self._all_states() if s.new]
        ids = bulk_sql.insert_returning(
            Aanmelding,
            AANMELDING_INSERT,
            [
                (
                    s.pupil.pk,
                    s.opleiding_id,
                    school.pk,
                    s.location_id,
                    s.school_year,
                    s.external_id,
                    s.cohort,
                    s.status,
                    s.status_at,
                    now,
                )
                for s in created
            ],
            key="external_id",
        )
        for state in created:
            state.pk = ids[state.external_id]
        if created:  # e.g. an approved doorstroomformulier goes to the new mbo-school after the commit
            aanmeldingen_created_in_bulk.send(sender=Aanmelding, pupil_ids={s.pupil.pk for s in created})
        bulk_sql.update(
            Aanmelding,
            UPDATE_FIELDS,
            [
                (s.pk, s.external_id, s.status, s.status_at, s.opleiding_id, s.location_id, s.cohort)
                for s in self._all_states()
                if s.dirty and not s.new
            ],
        )
        bulk_sql.insert(
            StatusChange,
            HISTORY_INSERT,
            [
                (state.pk, status, moment, StatusSource.FEED, "", rules.history_note(self.batch_id, line), now)
                for state, status, moment, line in self.new_history
            ],
        )
        # A melding per event at most once, also when a chunk is ever applied twice.
        bulk_sql.insert(
            Melding,
            MELDING_INSERT,
            [
                (
                    state.pupil.school_id,
                    MeldingKind.STATUS,
                    text,
                    state.pupil.pk,
                    rules.pupil_link(state.pupil.pk),
                    f"feed:{state.pk}:{event}",
                    now,
                )
                for state, text, event in self.meldingen
            ],
            ignore_conflicts=True,
        )
