"""The bulk path: apply one chunk of valid rows with a fixed number of queries and bulk writes.

The rules are those of students.aanmeldingen for one row (add_aanmelding and record_status with
``source="feed"``), applied in the same order (rows sorted by aanmelding_id, status_datum, line):

* a known ``aanmelding_id`` (per mbo-school) is that aanmelding; a row for it with another BSN is rejected;
* a row naming an opleiding (crebo) that is not in the school's catalogue waits for it (nothing is created);
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

from django.db import connection
from django.utils import timezone

from accounts.models import Organisation
from notifications.models import Melding, MeldingKind
from students.models import Aanmelding, Opleiding, Pupil, StatusChange, StatusSource
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
        # (status, moment in whole seconds since the epoch): the feed's precision, as rules.history_key.
        self.history: set[tuple[int, int]] = set()
        self.dirty = False
        self.new = pk is None


@dataclass
class ChunkResult:
    results: list[RowResult] = field(default_factory=list)
    # The vo-school of every pupil the chunk met (for the audit log, without reading the pupils again).
    pupil_schools: dict[int, int] = field(default_factory=dict)


# --- the two reads ------------------------------------------------------------------------------------------
# Each gives (pupil, aanmelding) pairs; an aanmelding is (pk, external_id, school_year, status, status_at,
# opleiding_id, location_id, cohort, history) with its history as (status, whole seconds since the epoch).

_PUPIL_COLUMNS = ("id", "bsn_index", "school_id", "school_year")
_AANMELDING_COLUMNS = (
    "id",
    "external_id",
    "school_year",
    "status",
    "status_at",
    "opleiding_id",
    "location_id",
    "cohort",
)


def _pupil(values) -> PupilInfo:
    pk, bsn_index, school_id, school_year, full_name = values
    return PupilInfo(pk, bsn_index or "", school_id, school_year, full_name)


def _pairs(records) -> list[tuple[PupilInfo, tuple | None]]:
    """Rows of pupil columns, aanmelding columns and the history as two arrays, into (pupil, aanmelding) pairs."""
    pupils: dict[int, PupilInfo] = {}
    pairs: list[tuple[PupilInfo, tuple | None]] = []
    width = len(_PUPIL_COLUMNS) + 1  # and the full name
    for record in records:
        pupil = pupils.get(record[0])
        if pupil is None:
            pupil = pupils[record[0]] = _pupil(record[:width])
        aanmelding = record[width:]
        if aanmelding[0] is None:
            pairs.append((pupil, None))
            continue
        statuses, moments = aanmelding[-2:]
        history = list(zip(statuses, moments, strict=True)) if statuses else []
        pairs.append((pupil, (*aanmelding[:-2], history)))
    return pairs


def _names() -> dict[str, str]:
    """Tables and columns as the models name them (a renamed column cannot silently go astray)."""
    quote = connection.ops.quote_name
    names = {
        "pupil": quote(Pupil._meta.db_table),
        "aanmelding": quote(Aanmelding._meta.db_table),
        "history": quote(StatusChange._meta.db_table),
        "opleiding": quote(Opleiding._meta.db_table),
    }
    for model, prefix in ((Pupil, "p_"), (Aanmelding, "a_"), (StatusChange, "h_"), (Opleiding, "o_")):
        for model_field in model._meta.concrete_fields:
            names[prefix + model_field.attname] = quote(model_field.column)
    return names


_SELECT = """
    SELECT {pupil_columns}, {full_name}, {aanmelding_columns}, h.statuses, h.moments
    FROM {source}
    {join} LATERAL (
        SELECT * FROM {aanmelding} AS t WHERE t.{a_pupil_id} = p.{p_id} AND t.{a_mbo_school_id} = %(school)s
    ) AS a ON true
    LEFT JOIN LATERAL (
        SELECT array_agg(c.{h_status}) AS statuses, array_agg(floor(extract(epoch FROM c.{h_at}))::bigint) AS moments
        FROM {history} AS c WHERE c.{h_aanmelding_id} = a.{a_id}
    ) AS h ON true
"""
# The pupils of the aanmeldingen with these ids at the school, each lookup through the index on the id.
_BY_EXTERNAL_ID = """(
        SELECT DISTINCT q.{p_id}, q.{p_bsn_index}, q.{p_school_id}, q.{p_school_year}, q.{p_voornaam},
               q.{p_tussenvoegsel}, q.{p_achternaam}
        FROM unnest(%(keys)s::varchar[]) AS k(v)
        CROSS JOIN LATERAL (
            SELECT t.{a_pupil_id} FROM {aanmelding} AS t
            WHERE t.{a_mbo_school_id} = %(school)s AND t.{a_external_id} = k.v
        ) AS known
        JOIN {pupil} AS q ON q.{p_id} = known.{a_pupil_id}
    ) AS p"""
# For each blind index the pupil of the newest school year, the last added among equals (rules.best_pupils).
_BEST_PUPILS = """(
        SELECT DISTINCT ON (q.{p_bsn_index}) q.{p_id}, q.{p_bsn_index}, q.{p_school_id}, q.{p_school_year},
               q.{p_voornaam}, q.{p_tussenvoegsel}, q.{p_achternaam}
        FROM unnest(%(keys)s::varchar[]) AS k(v)
        CROSS JOIN LATERAL (SELECT * FROM {pupil} AS t WHERE t.{p_bsn_index} = k.v) AS q
        ORDER BY q.{p_bsn_index}, q.{p_school_year} DESC, q.{p_id} DESC
    ) AS p"""


def _select(source: str, join: str) -> str:
    names = _names()
    return _SELECT.format(
        pupil_columns=", ".join(f"p.{names['p_' + c]}" for c in _PUPIL_COLUMNS),
        # rules.full_name: the parts that are not empty, with a space between.
        full_name="concat_ws(' ', {})".format(
            ", ".join(f"nullif(p.{names['p_' + c]}, '')" for c in ("voornaam", "tussenvoegsel", "achternaam"))
        ),
        aanmelding_columns=", ".join(f"a.{names['a_' + c]}" for c in _AANMELDING_COLUMNS),
        source=source.format(**names),
        join=join,
        **names,
    )


def aanmeldingen_by_external_id(school_id: int, external_ids: list[str]) -> list[tuple[PupilInfo, tuple | None]]:
    """The aanmeldingen at the school with these ids, and every other aanmelding of their pupils there."""
    if not external_ids:
        return []
    if connection.vendor == "postgresql":
        return _pairs(bulk_sql.fetch(_select(_BY_EXTERNAL_ID, "JOIN"), {"keys": external_ids, "school": school_id}))
    pupil_ids = Aanmelding.objects.filter(mbo_school=school_id, external_id__in=external_ids).values("pupil_id")
    return _orm_pairs(school_id, Pupil.objects.filter(pk__in=pupil_ids), inner=True)


def best_pupils_with_aanmeldingen(school_id: int, indexes: list[str]) -> list[tuple[PupilInfo, tuple | None]]:
    """For each blind index the pupil a new row goes to, with that pupil's aanmeldingen at the school (or None)."""
    if not indexes:
        return []
    if connection.vendor == "postgresql":
        return _pairs(bulk_sql.fetch(_select(_BEST_PUPILS, "LEFT JOIN"), {"keys": indexes, "school": school_id}))
    pupils = list(rules.best_pupils(indexes).values())
    return _orm_pairs(school_id, Pupil.objects.filter(pk__in=[p.pk for p in pupils]), inner=False)


def _orm_pairs(school_id: int, pupils, *, inner: bool) -> list[tuple[PupilInfo, tuple | None]]:
    """The same pairs through the ORM (SQLite, the embedded default)."""
    infos = {
        pk: PupilInfo(pk, bsn_index or "", school_id, school_year, rules.full_name(*names))
        for pk, bsn_index, school_id, school_year, *names in pupils.order_by().values_list(*_PUPIL_FIELDS)
    }
    aanmeldingen = list(
        Aanmelding.objects.filter(mbo_school=school_id, pupil_id__in=list(infos))
        .order_by("pk")
        .values_list("pupil_id", *_AANMELDING_COLUMNS)
    )
    history: dict[int, list[tuple[int, int]]] = {values[1]: [] for values in aanmeldingen}
    lines = StatusChange.objects.filter(aanmelding_id__in=list(history)).values_list("aanmelding_id", "status", "at")
    for aanmelding_id, status, at in lines:
        history[aanmelding_id].append((status, int(rules.second(at).timestamp())))
    pairs: list[tuple[PupilInfo, tuple | None]] = [
        (infos[values[0]], (*values[1:], history[values[1]])) for values in aanmeldingen
    ]
    if not inner:
        having = {values[0] for values in aanmeldingen}
        pairs += [(info, None) for pk, info in infos.items() if pk not in having]
    return pairs


_PUPIL_FIELDS = ("pk", "bsn_index", "school_id", "school_year", "voornaam", "tussenvoegsel", "achternaam")


def apply_chunk(*, school: Organisation, rows: list[FeedRow], batch_id: int | None) -> ChunkResult:
    """Apply ``rows`` (sorted by ``FeedRow.sort_key``, every aanmelding's rows together) for ``school``.

    On PostgreSQL the aanmeldingen whose every row changes nothing are found first, in one statement
    (``unchanged_aanmeldingen``); only the other rows are read into Python and decided row by row."""
    unchanged = unchanged_aanmeldingen(school, rows) if connection.vendor == "postgresql" else {}
    rest = [row for row in rows if row.aanmelding_id not in unchanged] if unchanged else rows
    result = ChunkResult()
    decided: list[RowResult] = []
    if rest:
        chunk = _Chunk(school, rest, batch_id)
        chunk.load()
        apply = chunk.apply
        decided = [apply(row) for row in rest]
        chunk.write()
        result.pupil_schools = {p.pk: p.school_id for p in chunk.pupils.values()}
        result.pupil_schools.update((s.pupil.pk, s.pupil.school_id) for s in chunk.all)
    if not unchanged:
        result.results = decided
        return result
    # Back in the rows' order, as the one-row path gives them.
    others = iter(decided)
    result.results = [
        RowResult(row, Outcome.UNCHANGED, pupil_id=unchanged[row.aanmelding_id][0])
        if row.aanmelding_id in unchanged
        else next(others)
        for row in rows
    ]
    result.pupil_schools.update(unchanged.values())
    return result


# --- the rows that change nothing, set-based (PostgreSQL) ----------------------------------------------------
# A row changes nothing (engine and one-row path alike) when its aanmelding is known at the school, its BSN is
# that of the aanmelding's pupil, it names the aanmelding's own opleiding, its (status, moment) is in the
# history already, and, when it describes the aanmelding as it stands now (rules.is_current), its locatie and
# cohort are the aanmelding's or empty. When every row of an aanmelding in the chunk changes nothing, none of
# them changes the aanmelding for the next, so the whole group is unchanged. Whatever does not fit exactly (an
# opleiding or locatie VOROC does not know yet, a row that moves the status, …) goes the usual way.

_CHUNK_TABLE = "feed_chunk_rows"
_CHUNK_COLUMNS = (
    "aanmelding_id varchar(64)",
    "bsn_index varchar(64)",
    "crebo varchar(5)",
    "has_leerweg boolean",
    "opleiding_id bigint",  # with a leerweg: the opleiding it names (Catalogue.known_opleiding), if known
    "has_locatie boolean",
    "location_id bigint",  # with a locatie: that locatie (Catalogue.known_location), if known
    "cohort integer",
    "status smallint",
    "at timestamptz",
)
_UNCHANGED = """
    SELECT a.{a_external_id}, a.{a_pupil_id}, p.{p_school_id}
    FROM (SELECT DISTINCT aanmelding_id FROM pg_temp.feed_chunk_rows) AS g
    JOIN {aanmelding} AS a ON a.{a_mbo_school_id} = %(school)s AND a.{a_external_id} = g.aanmelding_id
    JOIN {pupil} AS p ON p.{p_id} = a.{a_pupil_id}
    JOIN {opleiding} AS o ON o.{o_id} = a.{a_opleiding_id}
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_temp.feed_chunk_rows AS r
        WHERE r.aanmelding_id = g.aanmelding_id AND NOT coalesce(
            r.bsn_index = p.{p_bsn_index}
            AND CASE WHEN r.has_leerweg THEN r.opleiding_id = a.{a_opleiding_id} ELSE r.crebo = o.{o_crebo} END
            AND EXISTS (
                SELECT 1 FROM {history} AS h
                WHERE h.{h_aanmelding_id} = a.{a_id} AND h.{h_status} = r.status
                  AND h.{h_at} >= r.at AND h.{h_at} < r.at + interval '1 second'
            )
            AND (
                NOT (
                    r.at >= a.{a_status_at}
                    OR (r.status = a.{a_status} AND a.{a_status_at} >= r.at AND a.{a_status_at} < r.at + interval '1 second')
                )
                OR (
                    (NOT r.has_locatie OR r.location_id = a.{a_location_id})
                    AND (r.cohort IS NULL OR r.cohort = a.{a_cohort})
                )
            ),
            false
        )
    )
"""


def unchanged_aanmeldingen(school: Organisation, rows: list[FeedRow]) -> dict[str, tuple[int, int]]:
    """{aanmelding_id: (pupil, the pupil's vo-school)} of the aanmeldingen every row of which changes nothing.

    The rows go to the database by COPY into a temporary table; one statement compares them with the
    aanmeldingen, their pupils, opleidingen and history. Nothing is created or changed here."""
    if not rows:
        return {}
    catalogue = Catalogue(school, {r.crebo for r in rows})
    opleiding, location = catalogue.known_opleiding, catalogue.known_location
    names = _names()
    records = [
        (
            row.aanmelding_id,
            row.bsn_index,
            row.crebo,
            bool(row.leerweg),
            opleiding(row.crebo, row.leerweg) if row.leerweg else None,
            bool(row.locatie),
            location(row.locatie) if row.locatie else None,  # may read the locaties: before the COPY starts
            row.cohort,
            row.status,
            row.at,
        )
        for row in rows
    ]
    with bulk_sql.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_CHUNK_TABLE} ({', '.join(_CHUNK_COLUMNS)}) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {_CHUNK_TABLE}")  # also within one transaction (chunks as savepoints)
        with cursor.cursor.copy(f"COPY {_CHUNK_TABLE} FROM STDIN") as copy:
            write = copy.write_row
            for record in records:
                write(record)
        # Autovacuum never analyses a temporary table: without statistics the planner guesses its size and
        # its number of distinct aanmeldingen (200), and on a populated database may then read the whole
        # chunk once per aanmelding. A sample of a few thousand rows costs a few milliseconds.
        cursor.execute(f"ANALYZE {_CHUNK_TABLE}")
    found = bulk_sql.fetch(_UNCHANGED.format(**names), {"school": school.pk})
    return {external_id: (pupil_id, school_id) for external_id, pupil_id, school_id in found}


class _Chunk:
    def __init__(self, school: Organisation, rows: list[FeedRow], batch_id: int | None) -> None:
        self.school = school
        self.rows = rows
        self.batch_id = batch_id
        self.states: dict[str, _State] = {}  # by aanmelding_id
        self.by_key: dict[tuple[int, int, int], _State] = {}  # (pupil, opleiding, school year)
        self.per_pupil_year: dict[tuple[int, int], list[_State]] = {}
        self.all: list[_State] = []  # every aanmelding the chunk knows, once
        self.pupils: dict[str, PupilInfo] = {}
        self.new_history: list[tuple[_State, int, datetime.datetime, int]] = []
        # (state, text, event): the text as decided; the event ("new" or "status:<status>:<moment>") keys it once.
        self.meldingen: list[tuple[_State, str, str]] = []

    # --- reading: a fixed number of queries ---------------------------------------------------------------

    def load(self) -> None:
        """Two reads: the aanmeldingen the rows name by id with every aanmelding of their pupils at this school;
        then, for the rows whose id is new, the pupil each BSN goes to (rules.best_pupils) with that pupil's
        aanmeldingen at this school. Each aanmelding comes with its pupil and its history. Then the opleidingen."""
        school = self.school
        loaded: set[int] = set()
        for pupil, values in aanmeldingen_by_external_id(school.pk, list({r.aanmelding_id for r in self.rows})):
            if values is not None:
                self._load(values, pupil, loaded)
        new_indexes = {r.bsn_index for r in self.rows if r.aanmelding_id not in self.states}
        for pupil, values in best_pupils_with_aanmeldingen(school.pk, list(new_indexes)):
            self.pupils[pupil.bsn_index] = pupil
            if values is not None:
                self._load(values, pupil, loaded)
        self.catalogue = Catalogue(school, {r.crebo for r in self.rows}, also={s.opleiding_id for s in self.all})

    def _load(self, values: tuple, pupil: PupilInfo, loaded: set[int]) -> None:
        pk, external_id, school_year, status, status_at, opleiding_id, location_id, cohort, history = values
        if pk in loaded:
            return
        loaded.add(pk)
        state = _State(
            pk=pk,
            external_id=external_id,
            pupil=pupil,
            school_year=school_year,
            status=status,
            status_at=status_at,
            opleiding_id=opleiding_id,
            location_id=location_id,
            cohort=cohort,
        )
        state.history.update(history)
        self._remember(state)

    def _remember(self, state: _State) -> None:
        self.all.append(state)
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
        if self.catalogue.missing(row):
            return RowResult(row, Outcome.WAITING, "crebo", rules.reason_unknown_opleiding(row))
        opleiding_id, problem_field, problem = self.catalogue.opleiding_for(row, state.opleiding_id)
        if opleiding_id is None:
            return RowResult(row, Outcome.REJECTED, problem_field, problem)
        return self._existing(row, state, opleiding_id, adopted=False)

    def _first_row(self, row: FeedRow) -> RowResult:
        # The opleiding before the pupil: what a row's report says about it does not depend on whether VOROC
        # knows the BSN (rules.reason_unmatched).
        if self.catalogue.missing(row):
            return RowResult(row, Outcome.WAITING, "crebo", rules.reason_unknown_opleiding(row))
        opleiding_id, problem_field, problem = self.catalogue.opleiding_for(row, None)
        if opleiding_id is None:
            return RowResult(row, Outcome.REJECTED, problem_field, problem)
        pupil = self.pupils.get(row.bsn_index)
        if pupil is None:
            return RowResult(row, Outcome.UNMATCHED, "bsn", rules.reason_unmatched())
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
        state.history.add((row.status, int(row.at.timestamp())))
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
        key = (row.status, int(row.at.timestamp()))
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
        created = [s for s in self.all if s.new]
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
                for s in self.all
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
        bulk_sql.refresh_statistics({Aanmelding: len(created), StatusChange: len(self.new_history)})
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
