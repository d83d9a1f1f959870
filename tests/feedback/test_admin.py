"""The servicedesk in admin: tokens (shown once, stored hashed, revoked), every batch with a re-run, waiting rows."""

import pytest
from django.urls import reverse

from feedback.models import Batch, BatchState, FeedToken
from feedback.tokens import hash_token
from tests.conftest import bsn_like_numbers
from tests.factories import MboSchoolFactory, valid_bsn

from .conftest import bsn_of, feed_csv, row, run_file, write

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_only_its_hash_is_kept(servicedesk_client, demo):
    school = demo["roc.mbo1"].organisation
    add = reverse("admin:feedback_feedtoken_add")
    response = servicedesk_client.post(add, {"mbo_school": school.pk, "name": "Koppeling Eduarte"})
    assert response.status_code == 200 and "Dit is de enige keer dat het token te zien is" in response.content.decode()
    secret = response.context["secret"]
    token = FeedToken.objects.get()
    assert (
        token.key_hash == hash_token(secret)
        and secret.startswith(token.prefix)
        and token.created_by == demo["servicedesk"]
    )
    assert response["Cache-Control"] == "no-store, private"
    # Never again: not in the list, not on the token's page.
    for url in (
        reverse("admin:feedback_feedtoken_changelist"),
        reverse("admin:feedback_feedtoken_change", args=[token.pk]),
    ):
        assert secret not in servicedesk_client.get(url).content.decode()
    # The token works until the servicedesk revokes it.
    from django.test import Client

    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/feedback/batches").status_code == 200
    servicedesk_client.post(
        reverse("admin:feedback_feedtoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == demo["servicedesk"]
    assert api.get("/api/v1/feedback/batches").status_code == 401


def test_no_token_for_a_school_that_is_not_connected(servicedesk_client):
    school = MboSchoolFactory(connected=False, name="Vakschool West")
    response = servicedesk_client.post(reverse("admin:feedback_feedtoken_add"), {"mbo_school": school.pk, "name": "x"})
    assert "Vakschool West is niet gekoppeld" in response.content.decode() and not FeedToken.objects.exists()


def test_the_servicedesk_sees_every_batch_and_reruns_one(
    servicedesk_client, demo, tmp_path, eager, django_capture_on_commit_callbacks
):
    from tests.factories import OpleidingFactory, PupilFactory

    school = demo["roc.mbo1"].organisation
    OpleidingFactory(school=school, crebo="25655", leerweg="BOL")
    PupilFactory(bsn=bsn_of(0))
    done = run_file(
        school, write(tmp_path, "dag.csv", feed_csv([row(0, "MB-1"), {**row(0, "MB-2"), "bsn": valid_bsn(5)}]))
    )
    # Another school's batch that was interrupted before its first chunk.
    from feedback.services import receive

    elsewhere = MboSchoolFactory(connected=True)
    other = receive(school=elsewhere, data=feed_csv([row(0, "X-1")]), transport="api", fmt="csv", enqueue=False)
    Batch.objects.filter(pk=other.pk).update(state=BatchState.ERROR, attempts=1, failure="onderbroken")
    changelist = reverse("admin:feedback_batch_changelist")
    html = servicedesk_client.get(changelist).content.decode()
    assert f">{done.pk}<" in html and f">{other.pk}<" in html
    page = servicedesk_client.get(reverse("admin:feedback_batch_change", args=[done.pk])).content.decode()
    assert "dag.csv" in page and done.checksum in page and bsn_like_numbers(page) == []
    assert bsn_of(0) not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = servicedesk_client.post(
            changelist, {"action": "run_again", "_selected_action": [done.pk, other.pk]}, follow=True
        )
    assert "Opnieuw gestart" in response.content.decode()
    rerun = Batch.objects.get(rerun_of=done)
    assert (rerun.transport, rerun.checksum, rerun.duplicate_of, rerun.state) == (
        "rerun",
        done.checksum,
        done,
        BatchState.DONE,
    )
    # MB-2 still waits for its pupil: counted as unchanged like MB-1 (and, for the servicedesk, as unmatched).
    assert (rerun.rows_unchanged, rerun.rows_unmatched) == (2, 1)
    done.refresh_from_db()
    assert (done.rows_new, done.rows_unmatched) == (2, 1)  # its report stays as it was
    other.refresh_from_db()
    assert (other.state, other.attempts, other.rerun_of, other.rows_read, other.failure) == (
        BatchState.DONE,
        2,
        None,
        1,
        "",
    )


def test_a_refused_batch_cannot_be_rerun(servicedesk_client, demo):
    refused = Batch.objects.create(mbo_school=demo["roc.mbo1"].organisation, transport="api", state=BatchState.FAILED)
    response = servicedesk_client.post(
        reverse("admin:feedback_batch_changelist"),
        {"action": "run_again", "_selected_action": [refused.pk]},
        follow=True,
    )
    assert "niets om opnieuw te verwerken" in response.content.decode()
    assert Batch.objects.count() == 1


def test_waiting_rows_are_found_by_a_full_bsn_and_never_show_it(servicedesk_client, demo, tmp_path):
    school = demo["roc.mbo1"].organisation
    from tests.factories import OpleidingFactory

    OpleidingFactory(school=school, crebo="25655", leerweg="BOL")
    unknown = valid_bsn(123)
    run_file(
        school,
        write(
            tmp_path,
            "dag.csv",
            feed_csv([{**row(0, "WACHT-1"), "bsn": unknown}, {**row(0, "WACHT-2"), "bsn": valid_bsn(124)}]),
        ),
    )
    url = reverse("admin:feedback_waitingrow_changelist")
    html = servicedesk_client.get(url, {"q": unknown}, follow=True).content.decode()
    assert "WACHT-1" in html and "WACHT-2" not in html and bsn_like_numbers(html.replace(unknown, "")) == []
    assert unknown not in servicedesk_client.get(url).content.decode()


def test_the_line_and_waiting_lists_do_not_load_the_sealed_file_per_line(servicedesk_client, tmp_path, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OpleidingFactory

    school = demo["roc.mbo1"].organisation
    OpleidingFactory(school=school, crebo="25655", leerweg="BOL")
    rows = [{**row(0, f"MB-{n}"), "bsn": valid_bsn(7000 + n)} for n in range(5)] + [{**row(0, "X"), "status": "?"}]
    batch = run_file(school, write(tmp_path, "dag.csv", feed_csv(rows)))
    assert batch.rows_unmatched == 5 and batch.rows_rejected == 1
    for url in (reverse("admin:feedback_batchline_changelist"), reverse("admin:feedback_waitingrow_changelist")):
        with CaptureQueriesContext(connection) as queries:
            assert servicedesk_client.get(url).status_code == 200
        assert not [q["sql"] for q in queries if '"payload"' in q["sql"]], url


def test_the_token_list_filters_valid_and_revoked(servicedesk_client, demo):
    from feedback.tokens import create_token, revoke_token

    school = demo["roc.mbo1"].organisation
    valid, _ = create_token(school=school, name="Geldig", by=None)
    revoked, _ = create_token(school=school, name="Ingetrokken", by=None)
    revoke_token(token=revoked, by=None)
    url = reverse("admin:feedback_feedtoken_changelist")
    shown = {
        value: list(servicedesk_client.get(url, {"geldig": value}).context["cl"].result_list)
        for value in "ja nee".split()
    }
    assert shown == {"ja": [valid], "nee": [revoked]}


def test_the_waiting_list_filters_waiting_and_matched_rows(servicedesk_client, demo, tmp_path):
    from django.utils import timezone

    from feedback.models import WaitingRow

    school = demo["roc.mbo1"].organisation
    rows = [{**row(0, f"W-{n}"), "bsn": valid_bsn(8100 + n)} for n in range(2)]
    run_file(school, write(tmp_path, "dag.csv", feed_csv(rows)))
    waiting, matched = WaitingRow.objects.order_by("aanmelding_id")
    WaitingRow.objects.filter(pk=matched.pk).update(matched_at=timezone.now())
    url = reverse("admin:feedback_waitingrow_changelist")
    shown = {
        value: list(servicedesk_client.get(url, {"verwerkt": value}).context["cl"].result_list)
        for value in ("nee", "ja")
    }
    assert shown == {"nee": [waiting], "ja": [matched]}
