"""The push API end to end on real files, and its OpenAPI document checked against what the views answer."""

import io
import json

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from feedback.models import Batch, BatchLine, BatchState, FeedToken
from feedback.tokens import create_token, revoke_token
from students.models import Aanmelding
from tests.factories import MboSchoolFactory, valid_bsn

from . import schema
from .conftest import feed_csv, feed_json, row, write

pytestmark = pytest.mark.django_db

BATCHES = "/api/v1/feedback/batches"


@pytest.fixture
def token(mbo) -> str:
    return create_token(school=mbo, name="Koppeling Eduarte", by=None)[1]


@pytest.fixture
def api(token):
    # CSRF checks on: the API must not need a CSRF token (it is bearer-token authenticated).
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


def post_file(client, path, content_type="text/csv"):
    return client.post(BATCHES, data=path.read_bytes(), content_type=content_type)


def test_post_a_csv_file_202_then_the_report(
    tmp_path, api, mbo, verpleegkunde, pupils, django_capture_on_commit_callbacks, eager
):
    path = write(
        tmp_path, "dag.csv", feed_csv([row(0, "MB-1"), row(1, "MB-2"), {**row(2, "MB-3"), "bsn": valid_bsn(5)}])
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, path)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "received" and body["detail"].startswith("Ontvangen")
    assert response["Location"] == body["report"] == f"http://testserver{BATCHES}/{body['id']}"
    report = api.get(body["report"]).json()
    assert report["state"] == "done"
    # MB-3's pupil is not in VOROC: it waits, but the report counts it as new like the others and lists no line.
    assert report["counts"] == {
        "read": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "unmatched": 0,
        "waiting": 0,
        "rejected": 0,
        "warnings": 0,
    }
    assert report["lines"] == [] and report["held"] is False and report["detail"] is None
    assert report["duration_seconds"] is not None and report["line_word"] == "regel"
    assert Aanmelding.objects.filter(mbo_school=mbo).count() == 2
    batch = Batch.objects.get()
    assert batch.transport == "api" and batch.sender == "token Koppeling Eduarte (vrc_" + batch.token.prefix[4:] + "…)"


def test_post_json_and_the_same_batch_again_says_it_changed_nothing(
    api, mbo, verpleegkunde, pupils, django_capture_on_commit_callbacks, eager
):
    data = feed_json([row(0, "MB-1"), row(1, "MB-2", "INTAKE")])
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(BATCHES, data=data, content_type="application/json; charset=utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(BATCHES, data=data, content_type="application/json")
    assert first.status_code == again.status_code == 202
    assert again.json()["duplicate_of"] == first.json()["id"]
    assert "gelijk aan levering" in again.json()["detail"]
    report = api.get(again.json()["report"]).json()
    assert report["counts"]["unchanged"] == 2 and report["counts"]["new"] == 0 and report["line_word"] == "rij"


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer vrc_onzin", "Token {token}", "bearer {token}x"],
)
def test_401_without_a_valid_token(mbo, token, authorization):
    client = Client(headers={"Authorization": authorization.format(token=token)} if authorization else {})
    response = client.post(BATCHES, data=b"x", content_type="text/csv")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="VOROC"'
    assert "Geen geldig token" in response.json()["detail"]
    assert not Batch.objects.exists()


def test_a_revoked_token_stops_working_and_tokens_are_stored_hashed(api, mbo, token):
    stored = FeedToken.objects.get()
    assert (
        token not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64 and token.startswith(stored.prefix)
    )
    assert api.get(BATCHES).status_code == 200
    revoke_token(token=stored, by=None)
    assert api.get(BATCHES).status_code == 401


def test_a_logged_in_user_without_a_token_gets_401(client, demo):
    client.force_login(demo["roc.mbo1"])
    assert client.get(BATCHES).status_code == 401


def test_403_when_the_school_is_no_longer_connected(api, mbo):
    mbo.connected = False
    mbo.save()
    response = api.get(BATCHES)
    assert response.status_code == 403 and "niet (meer) als gekoppelde" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/octet-stream"])
def test_415_for_another_content_type(api, content_type):
    response = api.post(BATCHES, data=b"a;b", content_type=content_type)
    assert response.status_code == 415 and "--data-binary" in response.json()["detail"]


def test_400_when_the_file_cannot_be_read_and_the_batch_is_kept_as_failed(api, tmp_path):
    path = write(
        tmp_path,
        "ansi.csv",
        "aanmelding_id;bsn;crebo;status;status_datum\nA;1;2;Geannuleerd – ‘ja’;x\n".encode("cp1252"),
    )
    response = post_file(api, path)
    assert response.status_code == 400
    body = response.json()
    assert "niet in UTF-8" in body["detail"] and body["id"] == Batch.objects.get().pk
    assert Batch.objects.get().state == BatchState.FAILED and Batch.objects.get().payload


def test_413_above_the_limit_without_reading_the_body(api, settings, token, mbo):
    settings.FEEDBACK_MAX_BYTES = 1000
    response = api.post(BATCHES, data=b"x" * 1001, content_type="text/csv")
    assert response.status_code == 413 and "te groot" in response.json()["detail"]
    assert Batch.objects.get().state == BatchState.FAILED and not Batch.objects.get().payload

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    from django.test import RequestFactory

    from feedback.api import batches

    request = RequestFactory().post(
        BATCHES, data=b"a", content_type="text/csv", headers={"Authorization": f"Bearer {token}"}
    )
    request.META["CONTENT_LENGTH"] = str(500 * 1024 * 1024)
    request.META["wsgi.input"] = Unreadable()
    request._stream = Unreadable()
    assert batches(request).status_code == 413


def test_411_without_a_content_length(api, token):
    from django.test import RequestFactory

    from feedback.api import batches

    request = RequestFactory().post(
        BATCHES, data=b"a", content_type="text/csv", headers={"Authorization": f"Bearer {token}"}
    )
    del request.META["CONTENT_LENGTH"]
    response = batches(request)
    assert response.status_code == 411 and "Content-Length" in json.loads(response.content)["detail"]


def test_a_report_of_another_school_is_404_and_the_list_holds_only_the_own(api, mbo):
    other = MboSchoolFactory(connected=True)
    theirs = Batch.objects.create(mbo_school=other, transport="api")
    ours = Batch.objects.create(mbo_school=mbo, transport="api")
    assert api.get(f"{BATCHES}/{theirs.pk}").status_code == 404
    assert api.get(f"{BATCHES}/{ours.pk}").status_code == 200
    assert [b["id"] for b in api.get(BATCHES).json()["batches"]] == [ours.pk]


def test_lines_come_in_pages(api, mbo, settings):
    settings.FEEDBACK_CHUNK_ROWS = 10
    batch = Batch.objects.create(mbo_school=mbo, transport="api")
    BatchLine.objects.bulk_create(
        [BatchLine(batch=batch, line=n + 2, kind="rejected", reason="x") for n in range(1500)]
    )
    first = api.get(f"{BATCHES}/{batch.pk}").json()
    assert (len(first["lines"]), first["lines_total"], first["lines_page"]) == (1000, 1500, 1)
    second = api.get(first["lines_next"]).json()
    assert (len(second["lines"]), second["lines_next"], second["lines"][0]["line"]) == (500, None, 1002)
    assert api.get(f"{BATCHES}/{batch.pk}?page=twee").status_code == 400


def test_other_methods_get_405_with_allow(api, mbo):
    batch = Batch.objects.create(mbo_school=mbo, transport="api")
    assert api.put(BATCHES).status_code == 405 and api.put(BATCHES)["Allow"] == "GET, POST"
    assert api.delete(f"{BATCHES}/{batch.pk}").status_code == 405


# --- the OpenAPI document against the views ---------------------------------------------------------------


def _document():
    return Client().get("/api/v1/openapi.json").json()


def test_the_document_is_openapi_3_1_and_lists_every_url_of_the_api():
    document = _document()
    assert (
        document["openapi"] == "3.1.0" and document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    )
    resolver = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "feedback_api"
    )
    urls = {"/api/v1/" + str(p.pattern).replace("<id:pk>", "{id}") for p in resolver.url_patterns}
    assert set(document["paths"]) == urls
    assert reverse("feedback_api:batch", args=[1]) == "/api/v1/feedback/batches/1"


def test_every_documented_path_method_and_status_happens_and_matches_its_schema(
    tmp_path, mbo, token, verpleegkunde, pupils, settings, django_capture_on_commit_callbacks, eager
):
    document = _document()
    auth = {"Authorization": f"Bearer {token}"}
    client = Client(headers=auth)
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(BATCHES, data=feed_csv([row(0, "MB-1")]), content_type="text/csv")
    batch_path = f"{BATCHES}/{accepted.json()['id']}"
    seen = {
        ("/api/v1/feedback/batches", "post", accepted),
        ("/api/v1/feedback/batches", "get", client.get(BATCHES)),
        ("/api/v1/feedback/batches", "get", anonymous.get(BATCHES)),
        ("/api/v1/feedback/batches", "post", anonymous.post(BATCHES, data=b"", content_type="text/csv")),
        ("/api/v1/feedback/batches", "post", client.post(BATCHES, data=b"\xff\xfe", content_type="text/csv")),
        ("/api/v1/feedback/batches", "post", client.post(BATCHES, data=b"a", content_type="text/plain")),
        ("/api/v1/feedback/batches/{id}", "get", client.get(batch_path)),
        ("/api/v1/feedback/batches/{id}", "get", client.get(batch_path + "?page=x")),
        ("/api/v1/feedback/batches/{id}", "get", client.get(f"{BATCHES}/999999")),
        ("/api/v1/feedback/batches/{id}", "get", anonymous.get(batch_path)),
        ("/api/v1/openapi.json", "get", anonymous.get("/api/v1/openapi.json")),
    }
    from django.test import RequestFactory

    from feedback.api import batches

    request = RequestFactory().post(BATCHES, data=b"a", content_type="text/csv", headers=auth)
    del request.META["CONTENT_LENGTH"]
    seen.add(("/api/v1/feedback/batches", "post", batches(request)))
    settings.FEEDBACK_MAX_BYTES = 10
    seen.add(("/api/v1/feedback/batches", "post", client.post(BATCHES, data=b"x" * 11, content_type="text/csv")))
    mbo.connected = False
    mbo.save()
    for path, method in (
        ("/api/v1/feedback/batches", "get"),
        ("/api/v1/feedback/batches", "post"),
        ("/api/v1/feedback/batches/{id}", "get"),
    ):
        response = (
            client.get(BATCHES if "{id}" not in path else batch_path)
            if method == "get"
            else client.post(BATCHES, data=b"a", content_type="text/csv")
        )
        seen.add((path, method, response))

    produced = {(path, method, str(response.status_code)) for path, method, response in seen}
    documented = {
        (path, method, status)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for status in operation["responses"]
    }
    assert produced == documented
    for path, method, response in seen:
        spec = document["paths"][path][method]["responses"][str(response.status_code)]
        body = json.loads(response.content)
        assert schema.errors(body, spec["content"]["application/json"]["schema"], document) == [], (
            path,
            method,
            response.status_code,
        )
        assert response["Content-Type"] == "application/json"
        if path != "/api/v1/openapi.json":
            assert response["Cache-Control"] == "no-store"
        if response.status_code >= 400:
            assert " " in body["detail"]  # a sentence, not a code


def test_the_schema_check_itself_finds_mistakes():
    document = _document()
    report = {"$ref": "#/components/schemas/BatchSummary"}
    assert schema.errors({"id": "1"}, report, document)
    assert any(
        "not documented" in e
        for e in schema.errors({"detail": "x", "extra": 1}, {"$ref": "#/components/schemas/Error"}, document)
    )
