"""The command and the inbox end to end on real files (the API: test_api.py); beat and admin start the inbox."""

import io
import os
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from feedback.models import Batch, BatchState
from feedback.tasks import pickup_inbox
from notifications.models import Melding
from students.models import Aanmelding, Status
from tests.conftest import bsn_like_numbers, login_as
from tests.factories import MboSchoolFactory, valid_bsn

from .conftest import bsn_of, feed_csv, feed_json, row, write

pytestmark = pytest.mark.django_db


def test_import_feedback_prints_the_report(tmp_path, mbo, verpleegkunde, pupils):
    path = write(
        tmp_path, "dag.csv", feed_csv([row(0, "MB-1"), row(1, "MB-2", "INTAKE"), {**row(2, "MB-3"), "crebo": "1"}])
    )
    out = io.StringIO()
    call_command("import_feedback", str(path), "--mbo", "25aa", stdout=out)
    text = out.getvalue()
    assert (
        "verwerkt" in text
        and "3 read: 2 new, 0 updated, 0 unchanged, 0 waiting for their opleiding, 1 rejected; of the new, updated "
        "and unchanged 0 wait for their pupil"
        in text
    )
    assert "rejected regel 4 [MB-3]: crebo: moet 5 cijfers zijn" in text
    assert bsn_like_numbers(text) == [] and bsn_of(0) not in text
    batch = Batch.objects.get()
    assert (batch.transport, batch.filename) == ("command", "dag.csv") and batch.sender.startswith(
        "manage.py import_feedback"
    )
    # The same file again: said so, nothing changes.
    out = io.StringIO()
    call_command("import_feedback", str(path), "--mbo", "25AA", stdout=out)
    assert (
        f"the same content as batch {batch.pk}" in out.getvalue() and "0 new, 0 updated, 2 unchanged" in out.getvalue()
    )


def test_import_feedback_refuses_what_it_cannot_do(tmp_path, mbo):
    path = write(tmp_path, "leeg.json", b"")
    with pytest.raises(CommandError, match="could not be read: Het bestand is leeg"):
        call_command("import_feedback", str(path), "--mbo", "25AA", stdout=io.StringIO())
    assert Batch.objects.get().state == BatchState.FAILED
    with pytest.raises(CommandError, match="No mbo-school with BRIN code 99XX"):
        call_command("import_feedback", str(path), "--mbo", "99XX")
    MboSchoolFactory(code="25BB", connected=False)
    with pytest.raises(CommandError, match="not set up as a connected"):
        call_command("import_feedback", str(path), "--mbo", "25BB")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_feedback", str(tmp_path / "er-niet.csv"), "--mbo", "25AA")


@pytest.fixture
def inbox(tmp_path, settings):
    settings.FEEDBACK_INBOX = tmp_path / "inbox"
    settings.FEEDBACK_INBOX_SETTLE_SECONDS = 0
    return settings.FEEDBACK_INBOX


def test_the_inbox_stores_each_file_removes_it_and_leaves_a_receipt(
    inbox, mbo, verpleegkunde, pupils, eager, django_capture_on_commit_callbacks
):
    call_command("pickup_feedback_inbox", stdout=io.StringIO())  # makes the folders of the connected schools
    folder = inbox / "25AA"
    assert (folder / "processed").is_dir() and (folder / "failed").is_dir()
    arrived = time.time() - 300
    for n, (name, data) in enumerate(
        [
            ("maandag.csv", feed_csv([row(0, "MB-1"), row(1, "MB-2", "INTAKE")])),
            ("dinsdag.json", feed_json([row(0, "MB-1", "INTAKE", "2026-10-05")])),
            ("kapot.csv", "aanmelding_id;bsn\n€".encode("cp1252")),
        ]
    ):
        os.utime(write(folder, name, data), (arrived + n, arrived + n))
    write(folder, "bezig.csv.part", b"half")
    write(folder, ".verborgen.csv", b"x")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("pickup_feedback_inbox", stdout=out)
    assert "3 file(s) picked up" in out.getvalue()
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [".verborgen.csv", "bezig.csv.part"]
    batches = {b.filename: b for b in Batch.objects.all()}
    assert batches["maandag.csv"].state == batches["dinsdag.json"].state == BatchState.DONE
    assert batches["kapot.csv"].state == BatchState.FAILED and batches["dinsdag.json"].format == "json"
    assert batches["maandag.csv"].sender == "25AA/maandag.csv" and batches["maandag.csv"].transport == "inbox"
    # In the order they arrived: two new aanmeldingen, then MB-1 moved on.
    first = Aanmelding.objects.get(external_id="MB-1")
    assert first.status == Status.INTAKE and first.history.count() == 2
    assert Melding.objects.filter(organisation__kind="vo").count() == 3
    # The mbo-school hears that kapot.csv could not be read.
    [unread] = Melding.objects.filter(organisation=mbo)
    assert f"Levering nr. {batches['kapot.csv'].pk} " in unread.text and "kon niet worden gelezen" in unread.text
    processed = sorted(p.name for p in (folder / "processed").iterdir())
    assert processed == [
        f"dinsdag.json.levering-{batches['dinsdag.json'].pk}.txt",
        f"maandag.csv.levering-{batches['maandag.csv'].pk}.txt",
    ]
    receipt = (folder / "processed" / processed[1]).read_text()
    assert (
        "SHA-256: " + batches["maandag.csv"].checksum in receipt
        and f"/terugkoppeling/{batches['maandag.csv'].pk}/" in receipt
    )
    assert "versleuteld opgeslagen" in receipt and bsn_like_numbers(receipt) == []
    failed = (folder / "failed" / f"kapot.csv.levering-{batches['kapot.csv'].pk}.txt").read_text()
    assert "niet in UTF-8" in failed
    for receipt_file in [*(folder / "processed").iterdir(), *(folder / "failed").iterdir()]:
        assert bsn_of(0) not in receipt_file.read_text() and bsn_of(1) not in receipt_file.read_text()


def test_the_inbox_leaves_files_still_being_written_and_folders_of_no_connected_school(inbox, mbo, settings):
    settings.FEEDBACK_INBOX_SETTLE_SECONDS = 60
    fresh = write(inbox / "25AA", "net-binnen.csv", feed_csv([row(0, "MB-1")]))
    stranger = write(inbox / "77XX", "van-wie.csv", feed_csv([row(0, "MB-1")]))
    MboSchoolFactory(code="25BB", connected=False)
    unconnected = write(inbox / "25BB", "niet-gekoppeld.csv", feed_csv([row(0, "MB-1")]))
    assert pickup_inbox() == 0
    assert fresh.exists() and stranger.exists() and unconnected.exists() and not Batch.objects.exists()
    old = time.time() - 120
    os.utime(fresh, (old, old))
    assert pickup_inbox() == 1 and not fresh.exists()


def test_a_file_over_the_size_limit_is_refused_from_the_inbox_and_kept_unread_for_a_month(inbox, mbo, settings):
    import datetime

    import time_machine

    settings.FEEDBACK_MAX_BYTES = 100
    content = feed_csv([row(0, f"MB-{n}") for n in range(10)])
    big = write(inbox / "25AA", "groot.csv", content)
    assert pickup_inbox() == 1
    batch = Batch.objects.get()
    assert batch.state == BatchState.FAILED and "te groot" in batch.failure and not batch.payload
    failed = inbox / "25AA" / "failed"
    kept = failed / f"groot.csv.levering-{batch.pk}.te-groot"
    receipt = (failed / f"groot.csv.levering-{batch.pk}.txt").read_text()
    assert not big.exists() and kept.read_bytes() == content  # nothing the school delivered is lost
    assert "te groot" in receipt and kept.name in receipt and "na 30 dagen verwijderd" in receipt
    assert bsn_like_numbers(receipt) == []
    assert pickup_inbox() == 0  # what lies in failed/ is not picked up again

    out = io.StringIO()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=29)):
        call_command("purge_expired", stdout=out)
    assert kept.exists()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=31)):
        call_command("purge_expired", "--dry-run", stdout=out)
        assert kept.exists()
        call_command("purge_expired", stdout=out)
    assert not kept.exists() and (failed / f"groot.csv.levering-{batch.pk}.txt").exists()


def test_celery_beat_picks_up_the_inbox_daily_and_the_servicedesk_on_demand(
    demo,  # first: the demo region is written back as it was seeded; the fixtures below find its schools
    inbox,
    mbo,
    verpleegkunde,
    pupils,
    client,
    eager,
):
    schedule = settings.CELERY_BEAT_SCHEDULE["pickup-feedback-inbox"]
    assert schedule["task"] == "feedback.tasks.pickup_inbox" and schedule["schedule"].hour == {5}
    write(inbox / "25AA", "dag.csv", feed_csv([row(0, "MB-1")]))
    login_as(client, demo["servicedesk"])
    changelist = reverse("admin:feedback_batch_changelist")
    assert "Postvak nu ophalen" in client.get(changelist).content.decode()
    assert client.get(reverse("admin:feedback_batch_pickup")).status_code == 405
    response = client.post(reverse("admin:feedback_batch_pickup"), follow=True)
    assert "Het postvak wordt nu opgehaald" in response.content.decode()
    assert Batch.objects.get(mbo_school=mbo).filename == "dag.csv"
    # A school user never reaches it.
    client.force_login(demo["decaan.vo1"])
    assert client.post(reverse("admin:feedback_batch_pickup")).status_code == 403


def test_the_api_command_and_inbox_give_the_same_result_for_the_same_file(
    tmp_path, inbox, mbo, verpleegkunde, pupils, eager, django_capture_on_commit_callbacks
):
    from django.test import Client

    from feedback.tokens import create_token

    data = feed_csv(
        [row(0, "MB-1"), row(0, "MB-1", "INTAKE", "2026-10-03"), {**row(1, "MB-2"), "bsn": valid_bsn(6000)}]
    )
    write(inbox / "25AA", "dag.csv", data)
    with django_capture_on_commit_callbacks(execute=True):
        pickup_inbox()
    call_command("import_feedback", str(write(tmp_path, "dag.csv", data)), "--mbo", "25AA", stdout=io.StringIO())
    secret = create_token(school=mbo, name="test", by=None)[1]
    with django_capture_on_commit_callbacks(execute=True):
        Client(headers={"Authorization": f"Bearer {secret}"}).post(
            "/api/v1/feedback/batches", data=data, content_type="text/csv"
        )
    first, *repeats = Batch.objects.order_by("pk")
    assert [b.transport for b in (first, *repeats)] == ["inbox", "command", "api"]
    # MB-2 waits for its pupil; it counts as new (then unchanged) like any other, and as unmatched for the servicedesk.
    assert (first.rows_new, first.rows_updated, first.rows_unmatched) == (2, 1, 1)
    for batch in repeats:
        assert (batch.rows_unchanged, batch.rows_unmatched, batch.duplicate_of_id) == (3, 1, first.pk)


def test_a_batch_that_never_finished_is_queued_again_within_the_hour(
    mbo, verpleegkunde, pupils, settings, eager, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from feedback.services import receive
    from feedback.tasks import resume_stalled_batches

    assert settings.CELERY_BEAT_SCHEDULE["resume-stalled-feedback"]["task"] == "feedback.tasks.resume_stalled_batches"
    lost = receive(school=mbo, data=feed_csv([row(0, "MB-1")]), transport="api", fmt="csv", enqueue=False)
    recent = receive(school=mbo, data=feed_csv([row(1, "MB-2")]), transport="api", fmt="csv", enqueue=False)
    Batch.objects.filter(pk=lost.pk).update(received_at=timezone.now() - datetime.timedelta(hours=4))
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stalled_batches() == 1
    assert Batch.objects.get(pk=lost.pk).state == BatchState.DONE
    assert Batch.objects.get(pk=recent.pk).state == BatchState.RECEIVED  # maybe still in the queue: left alone


def test_a_file_named_after_a_bsn_leaves_no_bsn_in_the_batch_the_receipt_or_the_log(inbox, mbo, caplog):
    import logging

    number = valid_bsn(4242)
    caplog.set_level(logging.INFO)
    write(inbox / "25AA", f"leerling-{number}.csv", feed_csv([row(0, "MB-1")]))
    pickup_inbox()
    batch = Batch.objects.get()
    receipt = next((inbox / "25AA" / "processed").iterdir())
    for text in (batch.filename, batch.sender, receipt.name, receipt.read_text(), caplog.text):
        assert number not in text
    assert batch.filename == "leerling-•••••••••.csv"


def test_with_the_broker_down_the_api_still_takes_the_batch_and_it_is_processed_later(
    mbo, verpleegkunde, pupils, django_capture_on_commit_callbacks
):
    """The batch is stored before anything is queued: a broker that cannot be reached costs no delivery, and the
    school gets its 202 (not a server error for a batch that was kept)."""
    import datetime

    from django.test import Client
    from django.utils import timezone

    from feedback.services import resume_stalled
    from feedback.tokens import create_token
    from tests.brokers import broker_down

    secret = create_token(school=mbo, name="test", by=None)[1]
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = Client(headers={"Authorization": f"Bearer {secret}"}).post(
            "/api/v1/feedback/batches", data=feed_csv([row(0, "MB-1")]), content_type="text/csv"
        )
    assert response.status_code == 202
    batch = Batch.objects.get()
    assert batch.state == BatchState.RECEIVED and batch.payload
    # The hourly safety net queues what was never queued (here with the broker back, eagerly).
    from voroc.celery import app

    app.conf.task_always_eager, eager_before = True, app.conf.task_always_eager
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert resume_stalled(older_than=datetime.timedelta(0)) == [batch.pk]
    finally:
        app.conf.task_always_eager = eager_before
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.rows_new == 1 and timezone.now() >= batch.finished_at
