"""Feed tests: a connected mbo-school, pupils with known BSNs, and real files written the way schools write them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from accounts.models import Organisation
from feedback.models import Batch, Transport
from feedback.parser import guess_format
from feedback.services import ingest, receive
from tests.factories import MboSchoolFactory, OpleidingFactory, OrganisationFactory, PupilFactory, valid_bsn
from voroc.bench.feed_ingest import COLUMNS

HEADER = list(COLUMNS)  # the contract's columns in its order


def feed_csv(rows: list[dict], *, header=HEADER, sep=";", bom=False, crlf=False, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def feed_json(rows: list[dict]) -> bytes:
    return json.dumps({"rows": rows}, indent=2).encode()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def run_file(school: Organisation, path: Path, transport=Transport.COMMAND) -> Batch:
    """A real file through receive and ingest (what import_feedback does)."""
    data = path.read_bytes()
    batch = receive(
        school=school,
        data=data,
        transport=transport,
        fmt=guess_format(path.name, data),
        filename=path.name,
        enqueue=False,
    )
    return ingest(batch.pk)


@pytest.fixture(params=[Transport.COMMAND, Transport.API, Transport.INBOX])
def deliver(request, settings, tmp_path, eager, django_capture_on_commit_callbacks):
    """``deliver(school, path)``: a real file through one transport, each test once per transport — the command
    (import_feedback), the API (a bearer token, the worker's task after the commit) and the inbox (picked up, then
    the worker's task) — so every rule of the contract holds whichever way a batch comes in."""
    from django.core.management import call_command
    from django.test import Client

    from feedback.tasks import pickup_inbox
    from feedback.tokens import create_token

    transport = request.param
    settings.FEEDBACK_INBOX = tmp_path / "postvak"
    settings.FEEDBACK_INBOX_SETTLE_SECONDS = 0
    tokens: dict[int, str] = {}

    def run(school: Organisation, path: Path) -> Batch:
        before = set(Batch.objects.values_list("pk", flat=True))
        if transport == Transport.COMMAND:
            call_command("import_feedback", str(path), "--mbo", school.code, stdout=io.StringIO())
        elif transport == Transport.API:
            if school.pk not in tokens:
                tokens[school.pk] = create_token(school=school, name="test", by=None)[1]
            kind = "application/json" if guess_format(path.name, path.read_bytes()) == "json" else "text/csv"
            with django_capture_on_commit_callbacks(execute=True):
                response = Client(headers={"Authorization": f"Bearer {tokens[school.pk]}"}).post(
                    "/api/v1/feedback/batches", data=path.read_bytes(), content_type=kind
                )
            assert response.status_code == 202, response.content
        else:
            write(settings.FEEDBACK_INBOX / school.code, path.name, path.read_bytes())
            with django_capture_on_commit_callbacks(execute=True):
                pickup_inbox()
        batch = Batch.objects.exclude(pk__in=before).get()
        assert batch.transport == transport
        return batch

    return run


def counts(batch: Batch) -> dict[str, int]:
    batch.refresh_from_db()
    return {
        "read": batch.rows_read,
        "new": batch.rows_new,
        "updated": batch.rows_updated,
        "unchanged": batch.rows_unchanged,
        "unmatched": batch.rows_unmatched,
        "rejected": batch.rows_rejected,
    }


@pytest.fixture
def mbo(db) -> Organisation:
    return MboSchoolFactory(code="25AA", name="ROC Haaglanden-Zuid", connected=True)


@pytest.fixture
def vo(db) -> Organisation:
    return OrganisationFactory(code="00AA", name="Haagse Scholengemeenschap")


@pytest.fixture
def verpleegkunde(mbo):
    return OpleidingFactory(school=mbo, crebo="25655", name="Verpleegkundige", niveau=4, leerweg="BOL")


@pytest.fixture
def pupils(vo):
    """Three pupils of the vo-school with BSNs 0, 1 and 2 of tests.factories.valid_bsn."""
    return [
        PupilFactory(school=vo, bsn=valid_bsn(900 + n), voornaam=f"Leerling{n}", achternaam="Jansen") for n in range(3)
    ]


def bsn_of(n: int) -> str:
    return valid_bsn(900 + n)


def row(n: int, aanmelding_id: str, status: str = "ONTVANGSTBEVESTIGING", datum: str = "2026-10-01", **extra) -> dict:
    """A row for pupil n (see ``pupils``) and the opleiding Verpleegkundige BOL."""
    return {
        "aanmelding_id": aanmelding_id,
        "bsn": bsn_of(n),
        "crebo": "25655",
        "opleiding": "Verpleegkundige",
        "niveau": "4",
        "leerweg": "BOL",
        "status": status,
        "status_datum": datum,
        **extra,
    }


def personal_data(**overrides) -> dict:
    """What a school types in for a new pupil (students.services.create_pupil)."""
    import datetime

    return {
        "voornaam": "Nieuw",
        "tussenvoegsel": "",
        "achternaam": "Toegevoegd",
        "geboortedatum": datetime.date(2010, 5, 17),
        "geslacht": "v",
        "email": "nieuw@example.com",
        "telefoon": "06-12345678",
        "straat": "Spui",
        "huisnummer": 1,
        "toevoeging": "",
        "postcode": "2511 BL",
        "woonplaats": "Den Haag",
        **overrides,
    }


@pytest.fixture
def push(eager, django_capture_on_commit_callbacks):
    """``push(school, rows)``: a JSON batch through the API with the school's token (the worker's task after the
    commit); (answer, batch). ``push.report(school, batch)``: the report as the API gives it."""
    tokens: dict[int, str] = {}

    def send(school: Organisation, rows: list[dict]) -> tuple[dict, Batch]:
        from django.test import Client

        from feedback.tokens import create_token

        if school.pk not in tokens:
            tokens[school.pk] = create_token(school=school, name="test", by=None)[1]
        with django_capture_on_commit_callbacks(execute=True):
            response = Client(headers={"Authorization": f"Bearer {tokens[school.pk]}"}).post(
                "/api/v1/feedback/batches", data=feed_json(rows), content_type="application/json"
            )
        assert response.status_code == 202, response.content
        answer = response.json()
        return answer, Batch.objects.get(pk=answer["id"])

    def report(school: Organisation, batch: Batch) -> dict:
        from django.test import Client

        response = Client(headers={"Authorization": f"Bearer {tokens[school.pk]}"}).get(
            f"/api/v1/feedback/batches/{batch.pk}"
        )
        assert response.status_code == 200
        return response.json()

    send.report = report  # type: ignore[attr-defined]
    return send
