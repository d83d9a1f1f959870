"""A real Celery worker on Redis, killed (SIGKILL) in the middle of a large batch; a second worker finishes it:
no row lost, none doubled (history lines and meldingen counted). Needs REDIS_URL and PostgreSQL (the workers
are separate processes and read the committed test database)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from feedback.models import Batch, BatchState, Transport
from feedback.services import receive
from feedback.tasks import ingest_batch
from notifications.models import Melding
from students.models import Aanmelding, Pupil, Status, StatusChange
from tests.conftest import bsn_like_numbers
from tests.factories import MboSchoolFactory, OpleidingFactory, OrganisationFactory, valid_bsn

from .conftest import feed_csv

ROOT = Path(__file__).resolve().parents[2]
PUPILS = 16_000
CHUNK = 400

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI runs it against the machine's Redis)"),
]


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_worker(queue: str, app: str = "voroc", chunk: int = CHUNK) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "FEEDBACK_CHUNK_ROWS": str(chunk),
        # Every pupil here is new to the school: above the default threshold the batch would wait for the
        # servicedesk (tests/feedback/test_trust.py); this test is about the worker.
        "FEEDBACK_HOLD_NEW_PUPILS": str(10 * PUPILS),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}-{app}@%h",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _forget_queue(queue: str) -> None:
    """Remove what the test's queue left on the broker (only its own keys)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [key for pattern in (f"*{queue}*",) for key in client.scan_iter(match=pattern)]
    if keys:
        client.delete(*keys)


def progress(batch_id: int) -> Batch:
    return Batch.objects.defer("payload").get(pk=batch_id)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_the_batch_to_the_next_one_without_loss_or_doubles():
    if connection.vendor != "postgresql":
        pytest.skip("the workers are other processes: they need the PostgreSQL test database")
    mbo = MboSchoolFactory(code="25KK", connected=True, name="ROC Kill")
    OpleidingFactory(school=mbo, crebo="25655", name="Verpleegkundige", leerweg="BOL", niveau=4)
    school = OrganisationFactory(name="VO Kill")
    pupils = []
    for n in range(PUPILS):
        pupil = Pupil(
            school=school,
            voornaam=f"K{n}",
            achternaam="Test",
            geboortedatum="2010-01-01",
            geslacht="v",
            email=f"k{n}@example.com",
            telefoon="06-12345678",
            straat="Spui",
            huisnummer=1,
            postcode="2511 BL",
            woonplaats="Den Haag",
        )
        pupil.set_bsn(valid_bsn(20_000 + n))
        pupil.refresh_search_name()
        pupils.append(pupil)
    Pupil.objects.bulk_create(pupils, batch_size=2000)
    rows = [
        {
            "aanmelding_id": f"K-{n}",
            "bsn": valid_bsn(20_000 + n),
            "crebo": "25655",
            "leerweg": "BOL",
            "status": status,
            "status_datum": day,
        }
        for n in range(PUPILS)
        for status, day in (("ONTVANGSTBEVESTIGING", "2026-10-01"), ("INTAKE", "2026-10-08T10:00:00+02:00"))
    ]
    batch = receive(school=mbo, data=feed_csv(rows), transport=Transport.API, fmt="csv", enqueue=False)
    queue = f"feed-kill-{uuid.uuid4().hex[:8]}"  # this test's own queue: other tasks on the broker stay away
    first = start_worker(queue)
    second = None
    try:
        ingest_batch.apply_async(args=[batch.pk], queue=queue)
        # Kill it once a few chunks are committed and most are not.
        wait_for(lambda: progress(batch.pk).chunks_done >= 5, 120, "the first chunks")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        stopped = progress(batch.pk)
        total = -(-2 * PUPILS // CHUNK)
        assert stopped.state == BatchState.PROCESSING and 5 <= stopped.chunks_done < total, (stopped.chunks_done, total)
        assert StatusChange.objects.filter(aanmelding__mbo_school=mbo).count() == stopped.rows_done  # chunk by chunk
        # The message was never acknowledged: a new worker gets it back once it is older than the visibility
        # timeout (here 5 seconds instead of two hours) and continues after the last committed chunk, cut as the
        # first worker cut the batch even when the chunk size was changed in between (an update, say).
        second = start_worker(queue, app="tests.feedback.worker_app", chunk=3 * CHUNK)
        done = wait_for(lambda: (b := progress(batch.pk)).state == BatchState.DONE and b, 180, "the second worker")
    finally:
        worker_output = []
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(20)
            if worker is not None and worker.stderr is not None:
                worker_output.append(worker.stderr.read().decode(errors="replace"))
        _forget_queue(queue)

    # What the workers logged holds no BSN either (they ran in processes of their own).
    assert not bsn_like_numbers("\n".join(worker_output))

    assert (done.chunks_done, done.chunks_total, done.attempts) == (total, total, 2)
    assert (done.rows_read, done.rows_new, done.rows_updated, done.rows_unchanged, done.rows_rejected) == (
        2 * PUPILS,
        PUPILS,
        PUPILS,
        0,
        0,
    )
    # Nothing lost, nothing doubled.
    assert Aanmelding.objects.filter(mbo_school=mbo).count() == PUPILS
    assert Aanmelding.objects.filter(mbo_school=mbo, status=Status.INTAKE).count() == PUPILS
    history = StatusChange.objects.filter(aanmelding__mbo_school=mbo)
    assert history.count() == 2 * PUPILS
    assert not history.values("aanmelding", "status", "at").annotate(n=Count("pk")).filter(n__gt=1).exists()
    meldingen = Melding.objects.filter(organisation=school)
    assert meldingen.count() == 2 * PUPILS  # one for each new aanmelding, one for each move to Intakegesprek
    assert meldingen.filter(text__startswith="Nieuwe aanmelding").count() == PUPILS
