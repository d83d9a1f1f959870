"""Writes of the feed: receive a batch (sealed, before any row is read), ingest it chunk by chunk, re-run it.
Rows that wait for a pupil: matching.py; the tokens mbo-schools push with: tokens.py.

Ingest is idempotent and can be interrupted anywhere: the rows are parsed the same way every time (the
moment of receipt is the reference for dates), cut into the same chunks, and each chunk is applied and
counted in one transaction that also records it as done. A second run skips what is done and repeats
what was not.
"""

from __future__ import annotations

import datetime
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts.models import Organisation, OrganisationKind, User
from audit.context import acting_as
from audit.models import Action
from audit.services import record_event, record_pupils
from notifications.models import MeldingKind
from notifications.services import notify
from students import bsn as bsn_crypto
from students.models import Aanmelding

from . import bulk_sql, engine, payload
from .models import Batch, BatchLine, BatchState, FeedToken, LineKind, Transport, WaitingRow, WaitsFor
from .parser import SORT_KEY, FeedRow, FileError, ParseResult, check_readable, parse, scrub, shown_id
from .rules import Outcome, RowResult, best_pupils, history_key

logger = logging.getLogger(__name__)

PROGRESS_FIELDS = [
    "rows_new",
    "rows_updated",
    "rows_unchanged",
    "rows_unmatched",
    "rows_rejected",
    "rows_waiting",
    "warnings",
    "chunks_done",
    "rows_done",
]


# --- receiving ----------------------------------------------------------------------------------------------


def size_refusal(size: int) -> str:
    limit = settings.FEEDBACK_MAX_BYTES
    return _(
        "Het bestand is te groot: %(size)s MB, terwijl VOROC per levering ten hoogste %(limit)s MB aanneemt. "
        "Verdeel de aanmeldingen over meer leveringen."
    ) % {"size": f"{size / 1_000_000:.1f}".replace(".", ","), "limit": f"{limit / 1_000_000:.1f}".replace(".", ",")}


@transaction.atomic
def receive(
    *,
    school: Organisation,
    data: bytes,
    transport: str,
    fmt: str,
    sender: str = "",
    filename: str = "",
    token: FeedToken | None = None,
    by: User | None = None,
    enqueue: bool = True,
    rerun_of: Batch | None = None,
) -> Batch:
    """Store a batch as received (sealed, with checksum, size, sender, time), then see whether it can be read
    at all; a readable batch is queued for ingest after the commit."""
    if school.kind != OrganisationKind.MBO_SCHOOL:
        raise ValueError("A feed batch comes from an mbo-school.")
    if len(data) > settings.FEEDBACK_MAX_BYTES:
        return refuse_too_large(
            school=school, size=len(data), transport=transport, sender=sender, filename=filename, token=token, by=by
        )
    checksum = payload.checksum(data)
    sealed, key_id = payload.seal(data)
    batch = _new_batch(
        school=school,
        transport=transport,
        sender=sender,
        filename=filename,
        token=token,
        by=by,
        size=len(data),
        format=fmt,
        checksum=checksum,
        payload=sealed,
        payload_key_id=key_id,
        duplicate_of=Batch.objects.filter(mbo_school=school, checksum=checksum).order_by("received_at", "pk").first(),
        rerun_of=rerun_of,
    )
    try:
        with override("nl"):
            check_readable(data, fmt)
    except FileError as exc:
        _fail(batch, str(exc))
        return batch
    if enqueue:
        from .tasks import ingest_batch

        # robust: with the broker down the batch is still stored and answered for; resume_stalled queues it later
        transaction.on_commit(lambda: ingest_batch.delay(batch.pk), robust=True)
    return batch


def refuse_too_large(
    *,
    school: Organisation,
    size: int,
    transport: str,
    sender: str = "",
    filename: str = "",
    token: FeedToken | None = None,
    by: User | None = None,
) -> Batch:
    """A delivery over FEEDBACK_MAX_BYTES is not read (nor kept); the attempt is recorded as a failed batch."""
    batch = _new_batch(
        school=school, transport=transport, sender=sender, filename=filename, token=token, by=by, size=size
    )
    with override("nl"):
        _fail(batch, size_refusal(size))
    return batch


def _new_batch(
    *,
    school: Organisation,
    transport: str,
    sender: str,
    filename: str,
    token: FeedToken | None,
    by: User | None,
    size: int,
    **fields: Any,
) -> Batch:
    """The record of one delivery, whatever becomes of it. A file named after a pupil's BSN keeps no BSN here."""
    return Batch.objects.create(
        mbo_school=school,
        transport=transport,
        sender=scrub(sender)[:200],
        token=token,
        created_by=by,
        filename=scrub(filename)[:200],
        size=size,
        **fields,
    )


def _fail(batch: Batch, reason: str) -> None:
    now = timezone.now()
    batch.state, batch.failure = BatchState.FAILED, reason
    batch.started_at = batch.started_at or now
    batch.finished_at = now
    batch.save(update_fields=["state", "failure", "started_at", "finished_at"])
    logger.info("Feed batch %s of %s could not be read.", batch.pk, batch.mbo_school.code)
    tell_the_school(batch)


def tell_the_school(batch: Batch) -> None:
    """A melding for the mbo-school when a delivery needs its action: it could not be read, or rows were
    rejected (they change nothing until the school sends them again, corrected). Once per batch; not for a
    delivery with the same content as an earlier one."""
    if batch.state != BatchState.FAILED and (not batch.rows_rejected or batch.duplicate_of_id):
        return  # nothing to do; or the same file again, whose rejected rows the school heard of already
    with override("nl"):  # meldingen are stored in Dutch
        when = formats.date_format(timezone.localtime(batch.received_at), "j F Y, H:i")
        link = reverse("feedback:batch", args=[batch.pk])
        if batch.state == BatchState.FAILED:
            text = _("Levering nr. %(id)s (%(when)s) kon niet worden gelezen: %(reason)s") % {
                "id": batch.pk,
                "when": when,
                "reason": batch.failure,
            }
        else:
            text = ngettext(
                "Levering nr. %(id)s (%(when)s): %(count)s regel is afgewezen. In het verslag staat waarom; "
                "verbeter hem en lever hem opnieuw.",
                "Levering nr. %(id)s (%(when)s): %(count)s regels zijn afgewezen. In het verslag staat waarom; "
                "verbeter ze en lever ze opnieuw.",
                batch.rows_rejected,
            ) % {"id": batch.pk, "when": when, "count": batch.rows_rejected}
            link += f"?soort={LineKind.REJECTED}"
        notify(
            organisation=batch.mbo_school,
            kind=MeldingKind.SYSTEEM,
            text=text,
            link=link,
            dedupe_key=f"feed-batch-action:{batch.pk}",
        )


# --- ingest --------------------------------------------------------------------------------------------------


def chunks(rows: list[FeedRow], size: int) -> Iterator[list[FeedRow]]:
    """Consecutive pieces of about ``size`` rows; the rows of one aanmelding stay in one piece."""
    piece: list[FeedRow] = []
    for row in rows:
        if len(piece) >= size and row.aanmelding_id != piece[-1].aanmelding_id:
            yield piece
            piece = []
        piece.append(row)
    if piece:
        yield piece


def ingest(batch_id: int) -> Batch:
    """Apply a received batch; safe to run again at any moment (it continues where it was)."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().select_related("mbo_school").get(pk=batch_id)
        if batch.finished or batch.held:
            return batch
        batch.state = BatchState.PROCESSING
        batch.started_at = batch.started_at or timezone.now()
        batch.attempts += 1
        batch.save(update_fields=["state", "started_at", "attempts"])
    try:
        with override("nl"), _without_cycle_collection():
            _ingest(batch)
    except Exception:
        # The traceback helps the servicedesk; the log format masks any BSN-like value an exception may quote.
        logger.exception("Feed batch %s stopped with an error; it can be run again.", batch_id)
        Batch.objects.filter(pk=batch_id, state=BatchState.PROCESSING).update(
            state=BatchState.ERROR,
            failure=_("Het verwerken is onderbroken door een fout; de servicedesk kan het opnieuw starten."),
        )
        raise
    batch.refresh_from_db()
    return batch


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading and applying a batch makes hundreds of thousands of small objects (rows, results, states) without
    reference cycles; Python's cycle collector would walk them all again and again, a quarter of the time of an
    ingest. Reference counting still frees them as before; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(batch: Batch) -> None:
    """The phases of an ingest: read the sealed file, plan its chunks (once: the rejected rows recorded), apply
    the chunks not done yet, and finish (done, logged, the school told). A file that cannot be read fails the
    batch with the reason in the read phase."""
    result = _read(batch)
    if result is None:
        return
    pieces = _plan(batch, result)
    if _hold(batch, result.rows):
        return
    _apply(batch, pieces)
    _finish(batch)


def _read(batch: Batch) -> ParseResult | None:
    """The rows of the sealed file, parsed as at the moment of receipt; None (the batch failed) when unreadable."""
    if not batch.payload:
        with transaction.atomic():
            _fail(batch, _("Van deze levering is geen inhoud bewaard; er is niets te verwerken."))
        return None
    try:
        data = payload.unseal(bytes(batch.payload))
        return parse(data, batch.format, now=batch.received_at)
    except FileError as exc:
        with transaction.atomic():
            _fail(batch, str(exc))
        return None


def _plan(batch: Batch, result: ParseResult) -> list[list[FeedRow]]:
    """The chunks of the rows, the same in every run; the first run records the rejected lines and the totals."""
    rows = sorted(result.rows, key=SORT_KEY)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().defer("payload").get(pk=batch.pk)
        size = locked.chunk_rows if locked.parsed and locked.chunk_rows else settings.FEEDBACK_CHUNK_ROWS
        pieces = list(chunks(rows, size))
        if locked.parsed and len(pieces) != locked.chunks_total:
            # The parser changed since the first run (an update in between): continuing by chunk number could skip
            # or repeat rows. Start over; the rules are idempotent, so what was applied counts as unchanged.
            logger.warning("Feed batch %s is read differently than before; it starts over.", batch.pk)
            _start_over(locked)
        if not locked.parsed:
            BatchLine.objects.bulk_create(
                [
                    BatchLine(
                        batch=locked,
                        line=r.line,
                        aanmelding_id=r.aanmelding_id,
                        kind=LineKind.REJECTED,
                        field=r.field,
                        reason=r.reason,
                    )
                    for r in result.rejections
                ],
                batch_size=2000,
            )
            locked.parsed = True
            locked.rows_read = result.read
            locked.rows_rejected = len(result.rejections)
            locked.chunks_total = len(pieces)
            locked.chunk_rows = size
            locked.save(update_fields=["parsed", "rows_read", "rows_rejected", "chunks_total", "chunk_rows"])
    return pieces


# --- holding a batch for the servicedesk ------------------------------------------------------------------------

# Batches the mbo-school sends itself; a file the servicedesk reads in or runs again is its own decision.
HELD_TRANSPORTS = (Transport.API, Transport.INBOX)


def new_pupils(school: Organisation, rows: list[FeedRow]) -> int:
    """How many pupils the rows would give a first aanmelding at this school: rows whose aanmelding_id the school
    has not used yet, whose BSN belongs to a pupil (rules.best_pupils) without any aanmelding there."""
    ids = list({row.aanmelding_id for row in rows})
    known = {
        values["external_id"]
        for values in bulk_sql.by_keys(
            Aanmelding, "external_id", ids, where={"mbo_school": school.pk}, fields=("external_id",)
        )
    }
    pupil_ids = {info.pk for info in best_pupils({r.bsn_index for r in rows if r.aanmelding_id not in known}).values()}
    if not pupil_ids:
        return 0
    having = Aanmelding.objects.filter(bulk_sql.one_of("pupil_id", pupil_ids), mbo_school=school)
    return len(pupil_ids - set(having.values_list("pupil_id", flat=True)))


def hold_limit(school: Organisation) -> int:
    """The most pupils new to the school one batch may add without the servicedesk (FEEDBACK_HOLD_NEW_*)."""
    pupils_there = Aanmelding.objects.filter(mbo_school=school).values("pupil_id").distinct().count()
    return max(settings.FEEDBACK_HOLD_NEW_PUPILS, int(settings.FEEDBACK_HOLD_NEW_SHARE * pupils_there))


def _hold(batch: Batch, rows: list[FeedRow]) -> bool:
    """Before the first chunk of a batch the school sent: hold it when it adds unusually many new pupils."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().defer("payload").get(pk=batch.pk)
        if locked.transport not in HELD_TRANSPORTS or locked.decided_at or locked.chunks_done:
            return False
        count = new_pupils(batch.mbo_school, rows)
        if count <= settings.FEEDBACK_HOLD_NEW_PUPILS or count <= hold_limit(batch.mbo_school):
            return False
        locked.state, locked.new_pupils = BatchState.HELD, count
        locked.save(update_fields=["state", "new_pupils"])
        logger.warning(
            "Feed batch %s of %s is held for the servicedesk: %s pupils new to the school.",
            locked.pk,
            batch.mbo_school.code,
            count,
        )
    return True


def held_text(batch: Batch) -> str:
    """What the mbo-school reads of a held batch (API and page)."""
    return _(
        "Deze levering wacht op de servicedesk: ze voegt aanmeldingen toe voor meer leerlingen die nieuw zijn bij uw "
        "school (%(count)s) dan VOROC zonder controle verwerkt. Er is nog niets verwerkt. De servicedesk geeft de "
        "levering vrij of wijst haar af; neem contact op met de servicedesk als u niet op de hoogte bent."
    ) % {"count": batch.new_pupils or 0}


@transaction.atomic
def release(*, batch: Batch, by: User) -> bool:
    """Servicedesk: apply a held batch after all (audited). False when it was not held (any more)."""
    locked = Batch.objects.select_for_update().defer("payload").select_related("mbo_school").get(pk=batch.pk)
    if not locked.held:
        return False
    locked.state, locked.decided_at, locked.decided_by = BatchState.RECEIVED, timezone.now(), by
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    record_event(
        Action.BATCH_RELEASED,
        user=by,
        summary=f"levering {locked.pk} van {locked.mbo_school.name} vrijgegeven ({locked.new_pupils} nieuwe leerlingen)",
    )
    from .tasks import ingest_batch

    transaction.on_commit(lambda: ingest_batch.delay(locked.pk), robust=True)
    return True


@transaction.atomic
def discard(*, batch: Batch, by: User) -> bool:
    """Servicedesk: a held batch is not applied (audited); it is kept as received, like every batch."""
    locked = Batch.objects.select_for_update().defer("payload").select_related("mbo_school").get(pk=batch.pk)
    if not locked.held:
        return False
    now = timezone.now()
    locked.state, locked.finished_at, locked.decided_at, locked.decided_by = BatchState.DISCARDED, now, now, by
    with override("nl"):
        locked.failure = _("Afgewezen door de servicedesk; er is niets van verwerkt.")
    locked.save(update_fields=["state", "finished_at", "decided_at", "decided_by", "failure"])
    record_event(
        Action.BATCH_DISCARDED,
        user=by,
        summary=f"levering {locked.pk} van {locked.mbo_school.name} afgewezen ({locked.new_pupils} nieuwe leerlingen)",
    )
    return True


def _apply(batch: Batch, pieces: list[list[FeedRow]]) -> None:
    """Each chunk not done yet, in one transaction with its counts, its lines, the audit log and its number."""
    school = batch.mbo_school
    for number, piece in enumerate(pieces):
        with transaction.atomic():
            # One mbo-school's chunks one at a time (two batches of a school never interleave inside a chunk).
            Organisation.objects.select_for_update().filter(pk=school.pk).first()
            locked = Batch.objects.select_for_update().defer("payload").get(pk=batch.pk)
            if locked.chunks_done > number:
                continue  # done by an earlier run
            outcome = engine.apply_chunk(school=school, rows=piece, batch_id=batch.pk)
            _record(locked, outcome.results)
            _record_in_audit_log(school, batch.pk, outcome)
            locked.chunks_done = number + 1
            locked.rows_done += len(piece)
            locked.save(update_fields=PROGRESS_FIELDS)


def _finish(batch: Batch) -> None:
    """Every chunk applied: the batch is done, logged, and the school told when it has something to do."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().defer("payload").get(pk=batch.pk)
        # Every chunk applied: done, also when a second runner of the same batch failed meanwhile.
        if locked.state in (BatchState.PROCESSING, BatchState.ERROR) and locked.chunks_done == locked.chunks_total:
            locked.state = BatchState.DONE
            locked.finished_at = timezone.now()
            locked.failure = ""
            locked.save(update_fields=["state", "finished_at", "failure"])
            logger.info(
                "Feed batch %s of %s done: %s read, %s new, %s updated, %s unchanged, %s unmatched, %s rejected.",
                locked.pk,
                batch.mbo_school.code,
                locked.rows_read,
                locked.rows_new,
                locked.rows_updated,
                locked.rows_unchanged,
                locked.rows_unmatched,
                locked.rows_rejected,
            )
            tell_the_school(locked)


def _start_over(batch: Batch) -> None:
    BatchLine.objects.filter(batch=batch).delete()
    WaitingRow.objects.filter(batch=batch, matched_at=None).delete()
    for name in PROGRESS_FIELDS:
        setattr(batch, name, 0)
    batch.parsed, batch.rows_read = False, 0
    batch.save(update_fields=[*PROGRESS_FIELDS, "parsed", "rows_read"])


LINE_FIELDS = ("batch", "line", "aanmelding_id", "kind", "field", "reason")
LINE_KINDS = {
    Outcome.REJECTED: LineKind.REJECTED,
    Outcome.UNMATCHED: LineKind.UNMATCHED,
    Outcome.WAITING: LineKind.WAITING,
}
WAITING_FIELDS = (
    "mbo_school",
    "batch",
    "line",
    "aanmelding_id",
    "waits_for",
    "bsn_index",
    "bsn_encrypted",
    "crebo",
    "opleiding",
    "niveau",
    "leerweg",
    "locatie",
    "cohort",
    "status",
    "status_at",
    "received_at",
    "matched_at",
    "pupil",
    "outcome",
)


def _record(batch: Batch, results: list[RowResult]) -> None:
    """Count a chunk's outcomes into the batch; keep its rejected, waiting and warned lines and its waiting rows."""
    lines, waiting = [], []
    counts = dict.fromkeys(Outcome, 0)
    warnings = 0
    now = timezone.now()
    for result in results:
        outcome = result.outcome
        counts[outcome] += 1
        if outcome is Outcome.NEW or outcome is Outcome.UPDATED or outcome is Outcome.UNCHANGED:
            if not result.warning:
                continue
        row = result.row
        if outcome in LINE_KINDS:
            lines.append(
                (batch.pk, row.line, shown_id(row.aanmelding_id), LINE_KINDS[outcome], result.field, result.reason)
            )
        if result.warning:
            warnings += 1
            lines.append((batch.pk, row.line, shown_id(row.aanmelding_id), LineKind.WARNING, "", result.warning))
        if outcome == Outcome.UNMATCHED:
            waiting.append(_waiting_values(batch, row, now, WaitsFor.PUPIL))
        elif outcome == Outcome.WAITING:
            waiting.append(_waiting_values(batch, row, now, WaitsFor.OPLEIDING))
    if counts[Outcome.UNMATCHED]:
        for outcome in _as_if_matched(batch, [r.row for r in results if r.outcome == Outcome.UNMATCHED]):
            counts[outcome] += 1
    bulk_sql.insert(BatchLine, LINE_FIELDS, lines)
    bulk_sql.insert(WaitingRow, WAITING_FIELDS, waiting, ignore_conflicts=True)
    batch.rows_new += counts[Outcome.NEW]
    batch.rows_updated += counts[Outcome.UPDATED]
    batch.rows_unchanged += counts[Outcome.UNCHANGED]
    batch.rows_unmatched += counts[Outcome.UNMATCHED]
    batch.rows_rejected += counts[Outcome.REJECTED]
    batch.rows_waiting += counts[Outcome.WAITING]
    batch.warnings += warnings


def _as_if_matched(batch: Batch, rows: list[FeedRow]) -> list[Outcome]:
    """The counts a row waiting for its pupil goes into, as if its pupil were known: the first row of an aanmelding_id
    is new, a later one with another (status, moment) updated, the same one again unchanged. So new, updated and
    unchanged count the same for a BSN VOROC knows and one it does not (rows_unmatched says, for the servicedesk
    only, how many of them wait): a report cannot be used to learn whether a BSN belongs to a pupil."""
    earlier = WaitingRow.objects.filter(
        bulk_sql.one_of("aanmelding_id", {row.aanmelding_id for row in rows}),
        mbo_school_id=batch.mbo_school_id,
        waits_for=WaitsFor.PUPIL,
        matched_at__isnull=True,
    ).values_list("aanmelding_id", "status", "status_at")
    ids, keys = set(), set()
    for aanmelding_id, status, moment in earlier:
        ids.add(aanmelding_id)
        keys.add((aanmelding_id, *history_key(status, moment)))
    outcomes = []
    for row in rows:
        key = (row.aanmelding_id, *history_key(row.status, row.at))
        if key in keys:
            outcomes.append(Outcome.UNCHANGED)
        else:
            outcomes.append(Outcome.UPDATED if row.aanmelding_id in ids else Outcome.NEW)
        ids.add(row.aanmelding_id)
        keys.add(key)
    return outcomes


def _waiting_values(batch: Batch, row: FeedRow, now: datetime.datetime, waits_for: str) -> tuple:
    """A WaitingRow's values in the order of WAITING_FIELDS."""
    return (
        batch.mbo_school_id,
        batch.pk,
        row.line,
        row.aanmelding_id,
        waits_for,
        row.bsn_index,
        bsn_crypto.encrypt(row.bsn),
        row.crebo,
        row.opleiding,
        row.niveau,
        row.leerweg,
        row.locatie,
        row.cohort,
        row.status,
        row.at,
        now,
        None,
        None,
        "",
    )


def _record_in_audit_log(school: Organisation, batch_id: int, outcome: engine.ChunkResult) -> None:
    """The pupils whose aanmeldingen this chunk changed: one audit line per vo-school, by the mbo-school."""
    changed = {r.pupil_id for r in outcome.results if r.pupil_id and r.outcome in (Outcome.NEW, Outcome.UPDATED)}
    if changed:
        schools = outcome.pupil_schools  # read with the aanmeldingen; no need to read the pupils again
        with acting_as(f"terugkoppeling {school.name}", screen="feedback:ingest"):
            record_pupils(
                Action.CHANGE,
                [_AuditedPupil(pk, schools[pk]) for pk in sorted(changed)],
                summary=f"statussen van de mbo-school (levering {batch_id})",
            )


class _AuditedPupil(NamedTuple):
    pk: int
    school_id: int


@transaction.atomic
def rerun(*, batch: Batch, by: User | None) -> Batch:
    """Servicedesk: an unfinished batch continues; a finished one is applied again as a new batch from the same
    stored bytes (its report stays as it was). Returns the batch that will run."""
    if not batch.finished:
        from .tasks import ingest_batch

        Batch.objects.filter(pk=batch.pk, state=BatchState.ERROR).update(state=BatchState.RECEIVED, failure="")
        transaction.on_commit(lambda: ingest_batch.delay(batch.pk), robust=True)
        return batch
    if not batch.payload:
        raise ValueError("This batch was refused before it was read; there is nothing to run again.")
    return receive(
        school=batch.mbo_school,
        data=payload.unseal(bytes(batch.payload)),
        transport=Transport.RERUN,
        fmt=batch.format,
        sender=_("servicedesk: %(name)s (levering %(id)s opnieuw)")
        % {"name": by.get_username() if by else "-", "id": batch.pk},
        filename=batch.filename,
        by=by,
        rerun_of=batch,
    )


def resume_stalled(*, older_than: datetime.timedelta = datetime.timedelta(hours=3)) -> list[int]:
    """Queue again the batches that were received or being processed long ago and never finished (a message the
    broker lost, a worker gone without its message coming back). Ingest continues where it was; a batch that
    stopped with an error waits for the servicedesk (Opnieuw verwerken)."""
    from .tasks import ingest_batch

    cutoff = timezone.now() - older_than
    stalled = list(
        Batch.objects.filter(state__in=[BatchState.RECEIVED, BatchState.PROCESSING], received_at__lt=cutoff)
        .values_list("pk", flat=True)
        .order_by("pk")
    )

    def queue(pk: int) -> None:
        transaction.on_commit(lambda: ingest_batch.delay(pk), robust=True)  # (no partial: robust logs its name)

    for pk in stalled:
        queue(pk)
    if stalled:
        logger.warning("Feed batches %s had not finished; queued again.", ", ".join(map(str, stalled)))
    return stalled
