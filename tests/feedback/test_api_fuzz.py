"""The feed API fuzzed from its own OpenAPI document (schemathesis's strategies with hypothesis): no server error,
and every answer as documented (status, content type, body schema, headers) — for valid and invalid requests."""

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode, checks

from feedback.tokens import create_token
from tests.conftest import bsn_like_numbers
from tests.factories import MboSchoolFactory, OpleidingFactory
from voroc.wsgi import application

pytestmark = pytest.mark.django_db

# A body that matches the schema ("a string") is not always a readable feed file: the API then answers 400, as
# documented. So "valid by the schema must be accepted" does not apply; every other check does.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same cases in every run: repeatable in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app is called directly (not through Django's test client): like that client, do not let the end
    of each request close the database connection that holds the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    school = MboSchoolFactory(code="25AA", connected=True)
    OpleidingFactory(school=school, crebo="25655", leerweg="BOL")
    return create_token(school=school, name="fuzz", by=None)[1]


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    found = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in found} >= {
        "POST /api/v1/feedback/batches",
        "GET /api/v1/feedback/batches",
        "GET /api/v1/feedback/batches/{id}",
    }
    return found


def generated_id_looks_like_a_bsn(case) -> bool:
    """A generated batch id that passes the elfproef would make the 404's log line look like a leaked BSN to the
    suite-wide check of every log line (tests/conftest.py); such ids are not tried."""
    return bool(bsn_like_numbers(str((case.path_parameters or {}).get("id", ""))))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_generated_request_is_answered_as_documented(token, mode):
    for operation in operations():

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            assume(not generated_id_looks_like_a_bsn(case))
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        run()


def test_without_a_token_every_operation_but_the_document_is_401(db):
    for operation in operations():

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            assume(not generated_id_looks_like_a_bsn(case))
            response = case.call()
            if case.path == "/api/v1/openapi.json":
                assert response.status_code == 200
            elif "{id}" in case.path and int(case.path_parameters["id"]) < 1:
                assert response.status_code == 404  # no such address (an id is a positive number)
            else:
                assert response.status_code == 401, case.path

        run()
