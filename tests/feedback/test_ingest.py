"""The contract's rules for rows, each on a real file through each of the three transports (command, API, inbox)
and the bulk ingest."""

import datetime

import pytest
from django.utils import timezone

from feedback.models import BatchLine, LineKind, WaitingRow, WaitsFor
from notifications.models import Melding
from students.aanmeldingen import add_aanmelding
from students.models import Aanmelding, Location, Opleiding, Status, StatusChange, StatusSource
from tests.factories import OpleidingFactory, OrganisationFactory, PupilFactory, valid_bsn

from .conftest import counts, feed_csv, feed_json, row, run_file, write

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, day, hour, 0))


def test_a_first_batch_adds_aanmeldingen_history_and_meldingen(deliver, tmp_path, mbo, verpleegkunde, pupils):
    rows = [
        row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-01"),
        row(0, "MB-1", "INTAKE", "2026-10-10T09:30:00+02:00"),
        row(1, "MB-2", "POSITIEF_BESLUIT", "2026-10-02", locatie="Campus Laakhaven", cohort="2027"),
        {**row(0, "MB-3"), "bsn": valid_bsn(5000)},  # nobody in VOROC has this BSN
        {**row(0, "MB-4"), "status": "GEPLAATST"},  # no such status
    ]
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    # MB-3 waits for its pupil: it counts as new like MB-1 and MB-2 (and, for the servicedesk only, as unmatched).
    assert counts(batch) == {"read": 5, "new": 3, "updated": 1, "unchanged": 0, "unmatched": 1, "rejected": 1}
    assert batch.state == "done" and batch.duration is not None

    first = Aanmelding.objects.get(mbo_school=mbo, external_id="MB-1")
    assert (first.pupil, first.opleiding, first.status) == (pupils[0], verpleegkunde, Status.INTAKE)
    assert first.status_at == timezone.make_aware(datetime.datetime(2026, 10, 10, 9, 30))
    assert [(c.status, c.source) for c in first.history.all()] == [
        (Status.ONTVANGSTBEVESTIGING, StatusSource.FEED),
        (Status.INTAKE, StatusSource.FEED),
    ]
    second = Aanmelding.objects.get(external_id="MB-2")
    assert (second.location.name, second.cohort, second.status) == ("Campus Laakhaven", 2027, Status.POSITIEF_BESLUIT)
    # The vo-school hears of both new aanmeldingen and of the change to Intakegesprek.
    texts = sorted(Melding.objects.filter(organisation=pupils[0].school).values_list("text", flat=True))
    assert texts == [
        "Nieuwe aanmelding voor Leerling0 Jansen: Verpleegkundige bij ROC Haaglanden-Zuid, status "
        "Ontvangstbevestiging inschrijving.",
        "Nieuwe aanmelding voor Leerling1 Jansen: Verpleegkundige bij ROC Haaglanden-Zuid, status "
        "Positief plaatsingsbesluit.",
        "Nieuwe status voor Leerling0 Jansen: Intakegesprek (Verpleegkundige, ROC Haaglanden-Zuid).",
    ]
    lines = {(line.line, line.kind, line.aanmelding_id, line.field) for line in BatchLine.objects.filter(batch=batch)}
    assert lines == {(5, LineKind.UNMATCHED, "MB-3", "bsn"), (6, LineKind.REJECTED, "MB-4", "status")}
    assert "onbekende status “GEPLAATST”" in BatchLine.objects.get(kind=LineKind.REJECTED).reason
    assert WaitingRow.objects.get().aanmelding_id == "MB-3"


def test_the_same_batch_twice_changes_nothing_and_says_so(deliver, tmp_path, mbo, verpleegkunde, pupils):
    rows = [
        row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-01"),
        row(0, "MB-1", "INTAKE", "2026-10-10"),
        row(1, "MB-2", "POSITIEF_BESLUIT", "2026-10-02"),
        {**row(0, "MB-3"), "bsn": valid_bsn(5000)},
        {**row(0, "MB-4"), "status_datum": "14-10-2026"},
    ]
    path = write(tmp_path, "dag.csv", feed_csv(rows))
    first = deliver(mbo, path)
    before = (
        StatusChange.objects.count(),
        Melding.objects.count(),
        WaitingRow.objects.count(),
        Aanmelding.objects.count(),
    )
    again = deliver(mbo, path)
    assert counts(again) == {"read": 5, "new": 0, "updated": 0, "unchanged": 4, "unmatched": 1, "rejected": 1}
    assert again.duplicate_of == first and again.checksum == first.checksum and again.nothing_changed
    after = (
        StatusChange.objects.count(),
        Melding.objects.count(),
        WaitingRow.objects.count(),
        Aanmelding.objects.count(),
    )
    # Meldingen: three for the vo-school, one for the mbo-school (its rejected row); none for the same file again.
    assert after == before == (3, 4, 1, 2)


def test_an_older_row_adds_history_once_and_never_moves_the_status_back(deliver, tmp_path, mbo, verpleegkunde, pupils):
    deliver(mbo, write(tmp_path, "1.csv", feed_csv([row(0, "MB-1", "INTAKE", "2026-10-10")])))
    older = write(tmp_path, "2.csv", feed_csv([row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-05")]))
    batch = deliver(mbo, older)
    assert counts(batch)["updated"] == 1
    aanmelding = Aanmelding.objects.get()
    assert aanmelding.status == Status.INTAKE and aanmelding.status_at == at(10)
    assert [c.status for c in aanmelding.history.all()] == [Status.ONTVANGSTBEVESTIGING, Status.INTAKE]
    meldingen = Melding.objects.count()
    # The same older row the next day: no second history line, no melding.
    assert counts(deliver(mbo, older))["unchanged"] == 1
    assert aanmelding.history.count() == 2 and Melding.objects.count() == meldingen == 1


def test_two_rows_for_one_aanmelding_in_a_batch_the_newest_wins_whatever_their_order(
    deliver, tmp_path, mbo, verpleegkunde, pupils
):
    rows = [
        row(0, "MB-1", "POSITIEF_BESLUIT", "2026-10-20"),
        row(0, "MB-1", "INTAKE", "2026-10-10"),
        row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-01"),
        row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-01"),  # a duplicate line
    ]
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    assert counts(batch) == {"read": 4, "new": 1, "updated": 2, "unchanged": 1, "unmatched": 0, "rejected": 0}
    aanmelding = Aanmelding.objects.get()
    assert (aanmelding.status, aanmelding.status_at) == (Status.POSITIEF_BESLUIT, at(20))
    assert [c.status for c in aanmelding.history.all()] == [
        Status.ONTVANGSTBEVESTIGING,
        Status.INTAKE,
        Status.POSITIEF_BESLUIT,
    ]


def test_a_third_aanmelding_at_one_school_is_kept_with_a_warning(deliver, tmp_path, mbo, pupils):
    for n, crebo in enumerate(("25001", "25002", "25003")):
        OpleidingFactory(school=mbo, crebo=crebo, name=f"Opleiding {n}", leerweg="BOL")
    rows = [{**row(0, f"MB-{n}"), "crebo": crebo} for n, crebo in enumerate(("25001", "25002", "25003"))]
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    assert counts(batch)["new"] == 3 and pupils[0].aanmeldingen.count() == 3
    warning = BatchLine.objects.get(batch=batch, kind=LineKind.WARNING)
    assert warning.line == 4 and "3 aanmeldingen" in warning.reason and batch.warnings == 1
    assert Melding.objects.filter(text__contains="heeft nu 3 aanmeldingen bij ROC Haaglanden-Zuid").count() == 1


def test_an_aanmelding_entered_before_the_school_was_connected_is_taken_over(
    deliver, tmp_path, mbo, verpleegkunde, pupils
):
    mbo.connected = False
    mbo.save()
    by_hand = add_aanmelding(pupil=pupils[0], opleiding=verpleegkunde, status=Status.ONTVANGSTBEVESTIGING, at=at(1))
    mbo.connected = True
    mbo.save()
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv([row(0, "MB-1", "INTAKE", "2026-10-09")])))
    assert counts(batch) == {"read": 1, "new": 0, "updated": 1, "unchanged": 0, "unmatched": 0, "rejected": 0}
    by_hand.refresh_from_db()
    assert (by_hand.external_id, by_hand.status) == ("MB-1", Status.INTAKE)
    assert Aanmelding.objects.count() == 1
    # Under another id the same opleiding is refused: one aanmelding per opleiding per school year.
    batch = deliver(mbo, write(tmp_path, "2.csv", feed_csv([row(0, "MB-9", "INTAKE", "2026-10-09")])))
    assert counts(batch)["rejected"] == 1
    assert "onder aanmelding_id MB-1" in BatchLine.objects.get(batch=batch).reason


def test_a_row_for_a_known_aanmelding_with_another_bsn_is_rejected(deliver, tmp_path, mbo, verpleegkunde, pupils):
    deliver(mbo, write(tmp_path, "1.csv", feed_csv([row(0, "MB-1", "INTAKE", "2026-10-10")])))
    batch = deliver(mbo, write(tmp_path, "2.csv", feed_csv([row(1, "MB-1", "DEFINITIEF", "2026-10-20")])))
    line = BatchLine.objects.get(batch=batch)
    assert (line.kind, line.field, line.line) == (LineKind.REJECTED, "bsn", 2)
    assert Aanmelding.objects.get().pupil == pupils[0] and Aanmelding.objects.get().status == Status.INTAKE


def test_an_opleiding_not_in_the_catalogue_is_never_created_and_its_row_waits(deliver, tmp_path, mbo, pupils):
    rows = [
        {**row(0, "MB-1"), "crebo": "25180", "opleiding": "Kok", "niveau": "2", "leerweg": "bbl"},
        {**row(1, "MB-2"), "crebo": "25181", "opleiding": "Zelfstandig werkend kok", "niveau": ""},
        {**row(2, "MB-3"), "crebo": "25182", "leerweg": ""},
    ]
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    assert counts(batch)["new"] == counts(batch)["rejected"] == 0 and batch.rows_waiting == 3
    assert not Opleiding.objects.filter(school=mbo).exists() and not Aanmelding.objects.exists()
    lines = list(BatchLine.objects.filter(batch=batch).values_list("line", "kind", "field"))
    assert lines == [(2, LineKind.WAITING, "crebo"), (3, LineKind.WAITING, "crebo"), (4, LineKind.WAITING, "crebo")]
    assert WaitingRow.objects.filter(waits_for=WaitsFor.OPLEIDING, matched_at__isnull=True).count() == 3


def test_opleiding_locatie_and_cohort_follow_the_newest_row(deliver, tmp_path, mbo, verpleegkunde, pupils):
    bbl = OpleidingFactory(school=mbo, crebo="25655", name="Verpleegkundige", leerweg="BBL")
    deliver(mbo, write(tmp_path, "1.csv", feed_csv([row(0, "MB-1", "INTAKE", "2026-10-10", locatie="Zoetermeer")])))
    # An older row names another locatie: it adds history but does not change the aanmelding.
    deliver(
        mbo, write(tmp_path, "2.csv", feed_csv([row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-02", locatie="Delft")]))
    )
    aanmelding = Aanmelding.objects.get()
    assert aanmelding.location.name == "Zoetermeer"
    # The current row again, now BBL, at another locatie (any capitals) and with a cohort: all three follow.
    Location.objects.create(school=mbo, name="Campus Laakhaven")
    rows = [row(0, "MB-1", "INTAKE", "2026-10-10", leerweg="BBL", locatie="campus laakhaven", cohort="2027")]
    batch = deliver(mbo, write(tmp_path, "3.csv", feed_csv(rows)))
    assert counts(batch)["updated"] == 1
    aanmelding.refresh_from_db()
    assert (aanmelding.opleiding, aanmelding.location.name, aanmelding.cohort) == (bbl, "Campus Laakhaven", 2027)
    assert aanmelding.history.count() == 2
    # An older row creates no locatie either.
    assert sorted(Location.objects.filter(school=mbo).values_list("name", flat=True)) == [
        "Campus Laakhaven",
        "Zoetermeer",
    ]


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("aanmelding ontvangen", Status.ONTVANGSTBEVESTIGING),
        ("Aangemeld", Status.ONTVANGSTBEVESTIGING),
        ("onderwijsovereenkomst aangeboden", Status.POSITIEF_BESLUIT),
        ("Leidt niet tot inschrijving", Status.NEGATIEF_BESLUIT),
        ("INGETROKKEN", Status.INTAKE_GEANNULEERD),
        ("ingeschreven", Status.DEFINITIEF),
        ("intake_geannuleerd", Status.INTAKE_GEANNULEERD),
        ("Negatief plaatsingsbesluit", Status.NEGATIEF_BESLUIT),
        ("nog  niet ingeschreven", Status.NIET_INGESCHREVEN),
        ("Intakegesprek", Status.INTAKE),
    ],
)
def test_the_national_vva_vocabulary_and_the_dutch_labels_are_accepted(
    deliver, tmp_path, mbo, verpleegkunde, pupils, word, status
):
    batch = deliver(mbo, write(tmp_path, "vva.csv", feed_csv([row(0, "VVA-1", word)])))
    assert counts(batch)["new"] == 1
    assert Aanmelding.objects.get().status == status


def test_the_same_bsn_at_two_schools_or_years_goes_to_the_newest_school_year_then_the_latest_added(
    deliver, tmp_path, mbo, verpleegkunde, vo
):
    from students.schoolyear import current_school_year

    year = current_school_year()
    bsn = valid_bsn(777)
    PupilFactory(school=vo, bsn=bsn, school_year=year - 1, voornaam="Vorigjaar")
    PupilFactory(school=OrganisationFactory(), bsn=bsn, school_year=year, voornaam="Eerder")
    moved_to = PupilFactory(school=OrganisationFactory(), bsn=bsn, school_year=year, voornaam="Nieuwe")
    deliver(mbo, write(tmp_path, "dag.csv", feed_csv([{**row(0, "MB-1"), "bsn": bsn}])))
    assert Aanmelding.objects.get().pupil == moved_to
    assert Melding.objects.get().organisation == moved_to.school


def test_two_statuses_at_the_same_moment_the_later_line_wins_with_its_locatie(
    deliver, tmp_path, mbo, verpleegkunde, pupils
):
    rows = [
        row(0, "MB-1", "INTAKE", "2026-10-10T10:00:00+02:00"),
        row(0, "MB-1", "POSITIEF_BESLUIT", "2026-10-10T10:00:00+02:00", locatie="Delft"),
    ]
    deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    aanmelding = Aanmelding.objects.get()
    assert (aanmelding.status, aanmelding.location.name) == (Status.POSITIEF_BESLUIT, "Delft")
    assert aanmelding.history.count() == 2


@pytest.mark.parametrize("size", [10, 200])
def test_a_chunk_takes_the_same_number_of_queries_for_10_rows_or_200(
    mbo, verpleegkunde, vo, size, django_assert_num_queries
):
    from django.db import connection

    from feedback import engine
    from feedback.parser import parse

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite Django splits a bulk insert every 999 parameters; the set-based writes are PostgreSQL's")
    pupils = [PupilFactory(school=vo, bsn=valid_bsn(2000 + n)) for n in range(size)]

    def day(status, datum, start=0):
        rows = [
            {**row(0, f"Q-{n}", status, datum, locatie="Delft"), "bsn": valid_bsn(2000 + n)} for n in range(start, size)
        ]
        return sorted(parse(feed_csv(rows), "csv").rows, key=lambda r: r.sort_key)

    engine.apply_chunk(school=mbo, rows=day("ONTVANGSTBEVESTIGING", "2026-10-01", start=size // 2), batch_id=1)
    rows = day("INTAKE", "2026-10-05")  # half of them known and moving on, half new
    # The rows that change nothing: the opleidingen and locaties they name, the temporary table made (if need be)
    # and emptied, the rows copied into it (COPY, not counted here) and analysed, how it is planned, the
    # comparison. The other
    # rows: two reads, each after setting how it is planned (the known aanmeldingen by id with their pupils'
    # other aanmeldingen; the pupils of the new ones by BSN with theirs; both with their history), the
    # opleidingen, the locaties; insert aanmeldingen, the doorstroom receiver's look-up of forms to pass on,
    # update aanmeldingen, insert history, insert meldingen.
    with django_assert_num_queries(18):
        results = engine.apply_chunk(school=mbo, rows=rows, batch_id=2).results
    assert {r.outcome for r in results} == {"new", "updated"} and len(pupils) == size
    assert Melding.objects.count() == size + size // 2


def test_the_planner_knows_the_size_of_the_chunk_it_compares(mbo, verpleegkunde, vo):
    """The chunk's rows are copied into a temporary table, which autovacuum never analyses. Unanalysed, the planner
    guesses 200 distinct aanmeldingen whatever the chunk holds, and on a populated database chose to read the
    whole chunk again per aanmelding: a 100,000-row feed took minutes instead of seconds (voroc/bench/feed_ingest.py,
    its populated phase). Tests assert no timings, so this one asserts the cause is gone: after a chunk the
    planner's estimate of the aanmeldingen in the table is the real number."""
    import json

    from django.db import connection

    from feedback import engine
    from feedback.parser import parse

    if connection.vendor != "postgresql":
        pytest.skip("the temporary table and its COPY are PostgreSQL's")
    size = 300  # more than the planner's default guess of 200 distinct values
    for n in range(size):
        PupilFactory(school=vo, bsn=valid_bsn(3000 + n))
    rows = [{**row(0, f"P-{n}", "INTAKE", "2026-10-05"), "bsn": valid_bsn(3000 + n)} for n in range(size)]
    engine.apply_chunk(school=mbo, rows=sorted(parse(feed_csv(rows), "csv").rows, key=lambda r: r.sort_key), batch_id=1)
    with connection.cursor() as cursor:  # the test's transaction is still open: the chunk's rows are there
        cursor.execute("SELECT count(*) FROM pg_temp.feed_chunk_rows")
        assert cursor.fetchone()[0] == size
        cursor.execute("EXPLAIN (FORMAT JSON) SELECT DISTINCT aanmelding_id FROM pg_temp.feed_chunk_rows")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert plan[0]["Plan"]["Plan Rows"] == size


def test_a_batch_read_differently_after_an_update_starts_over_without_doubles(tmp_path, mbo, verpleegkunde, pupils):
    """A run that continues after a crash cuts the batch as the first run did (its chunk size is kept). If the
    file is read differently since (the parser changed in an update), it starts over: nothing doubles."""
    from feedback.models import Batch, BatchState
    from feedback.services import ingest

    rows = [
        row(0, "MB-1", "ONTVANGSTBEVESTIGING", "2026-10-01"),
        row(0, "MB-1", "INTAKE", "2026-10-10"),
        row(1, "MB-2", "INTAKE", "2026-10-02"),
        {**row(0, "MB-3"), "bsn": valid_bsn(5000)},  # waits for its pupil
        {**row(0, "MB-4"), "status": "GEPLAATST"},  # rejected
    ]
    batch = run_file(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    history = StatusChange.objects.count()
    # As a crashed run under another cut would have left it: 4 chunks counted, 1 done, still processing.
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.PROCESSING, chunks_total=4, chunks_done=1)
    again = ingest(batch.pk)
    assert again.state == BatchState.DONE and again.chunks_done == again.chunks_total
    # Starting over removed the batch's waiting row first, so MB-3 is kept (and counted) as new once more.
    assert counts(again) == {"read": 5, "new": 1, "updated": 0, "unchanged": 3, "unmatched": 1, "rejected": 1}
    assert BatchLine.objects.filter(batch=batch).count() == 2 and WaitingRow.objects.count() == 1
    assert StatusChange.objects.count() == history and Aanmelding.objects.count() == 2


def test_a_nul_character_in_a_row_does_not_stop_the_batch(deliver, tmp_path, mbo, verpleegkunde, pupils):
    """A NUL character (which PostgreSQL cannot hold in text) in any cell: that row is rejected or read without it,
    and the other rows of the batch are read as usual."""
    rows = [
        row(0, "MB-\x001"),
        row(1, "MB-2", opleiding="Verpleeg\x00kundige", locatie="Campus\x00 Laakhaven"),
        row(2, "MB-3", status="INTAKE\x00"),
        row(2, "MB-4", crebo="2565\x005"),
        row(0, "MB-5"),
    ]
    for name, data in (("nul.csv", feed_csv(rows)), ("nul.json", feed_json(rows))):
        batch = deliver(mbo, write(tmp_path, name, data))
        batch.refresh_from_db()
        assert batch.state == "done" and batch.rows_read == 5, name
        assert Aanmelding.objects.filter(mbo_school=mbo, external_id="MB-5").exists()
        lines = BatchLine.objects.filter(batch=batch, kind=LineKind.REJECTED)
        first = 2 if name.endswith(".csv") else 1  # a CSV's first line is its header; JSON rows count from 1
        fields = ["aanmelding_id", "opleiding", "status", "crebo"]
        assert {(line.line, line.aanmelding_id, line.field) for line in lines} == {
            (first + n, f"MB-{n + 1}", field) for n, field in enumerate(fields)
        }, name
        assert "onzichtbaar NUL-teken" in lines.get(field="opleiding").reason
        for line in lines:
            assert "\x00" not in f"{line.aanmelding_id}{line.reason}{line.field}"


@pytest.mark.django_db
def test_deeply_nested_json_is_refused_with_its_reason_not_a_server_error(
    tmp_path, mbo, eager, django_capture_on_commit_callbacks
):
    """The API answers with the reason and the report (it was a server error); the command says it; the batch is a
    failed delivery, not tried again."""
    import io

    from django.core.management import CommandError, call_command
    from django.test import Client

    from feedback.models import Batch, BatchState
    from feedback.tokens import create_token

    nested = b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    token = create_token(school=mbo, name="test", by=None)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(headers={"Authorization": f"Bearer {token}"}).post(
            "/api/v1/feedback/batches", data=nested, content_type="application/json"
        )
    assert 400 <= response.status_code < 500 and "te diep genest" in response.json()["detail"]
    with pytest.raises(CommandError, match="te diep genest"):
        call_command(
            "import_feedback", str(write(tmp_path, "diep.json", nested)), "--mbo", mbo.code, stdout=io.StringIO()
        )
    assert set(Batch.objects.values_list("state", flat=True)) == {BatchState.FAILED}
