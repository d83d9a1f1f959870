"""The feed's trust boundary: what one mbo-school's token can do is limited to what an honest school needs.

* no catalogue entry from a row: an unknown crebo waits, is reported per line, and is applied once the opleiding
  is in the catalogue;
* a report does not tell whether a BSN belongs to a pupil (a matched and an unmatched new row read the same);
* a batch that adds aanmeldingen for unusually many pupils new to the school is held for the servicedesk, which
  releases (applied) or discards it, both audited;
* a form that goes to an mbo-school the vo-school did not know is a melding for its decanen naming that school,
  and every delivery is in the audit log.

All through the real API (a bearer token, the worker's task after the commit) and the real database.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, Role
from audit.models import Action, AuditEntry
from feedback.models import BatchState, WaitingRow, WaitsFor
from feedback.tokens import create_token
from students.catalogue_import import import_opleidingen
from students.models import Aanmelding, Opleiding
from students.services import create_pupil
from tests.conftest import login_as
from tests.factories import OpleidingFactory, PupilFactory, UserFactory, valid_bsn

from .conftest import feed_json, personal_data, row

pytestmark = pytest.mark.django_db


# --- 1. an unknown crebo waits; nothing enters the catalogue -------------------------------------------------


def test_an_unknown_crebo_makes_no_opleiding_waits_reported_and_is_applied_when_the_catalogue_has_it(
    push, mbo, pupils, verpleegkunde, tmp_path, django_capture_on_commit_callbacks
):
    unknown = row(0, "A-1", crebo="99999", opleiding="Willekeurige naam", niveau="2", leerweg="BBL")
    answer, batch = push(mbo, [unknown, row(1, "A-2")])

    assert not Opleiding.objects.filter(crebo="99999").exists()
    assert not Opleiding.objects.filter(name="Willekeurige naam").exists()
    assert list(Aanmelding.objects.values_list("external_id", flat=True)) == ["A-2"]
    batch.refresh_from_db()
    assert (batch.rows_new, batch.rows_waiting, batch.rows_rejected) == (1, 1, 0)
    report = push.report(mbo, batch)
    assert report["counts"]["waiting"] == 1
    (line,) = report["lines"]
    assert (line["line"], line["aanmelding_id"], line["kind"], line["field"]) == (1, "A-1", "waiting", "crebo")
    assert line["reason"].startswith("crebo: opleiding 99999 BBL staat (nog) niet in de opleidingencatalogus")
    (waiting,) = WaitingRow.objects.filter(matched_at__isnull=True)
    assert waiting.waits_for == WaitsFor.OPLEIDING and waiting.aanmelding_id == "A-1"

    # The same row the next day waits once; then the servicedesk imports the school's catalogue.
    push(mbo, [unknown])
    assert WaitingRow.objects.filter(matched_at__isnull=True).count() == 1
    catalogue = tmp_path / "opleidingen.csv"
    catalogue.write_text("crebo;opleiding;niveau;leerweg\n99999;Monteur (uit de catalogus);2;BBL\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        import_opleidingen(school=mbo, content=catalogue.read_bytes())

    aanmelding = Aanmelding.objects.select_related("opleiding").get(external_id="A-1")
    assert aanmelding.opleiding.name == "Monteur (uit de catalogus)"  # the catalogue's name, not the row's
    assert aanmelding.pupil == pupils[0]
    assert not WaitingRow.objects.filter(matched_at__isnull=True).exists()


def test_an_unknown_crebo_for_a_bsn_voroc_does_not_know_waits_for_the_opleiding_and_then_for_the_pupil(
    push, mbo, pupils, django_capture_on_commit_callbacks
):
    stranger = valid_bsn(777)
    push(mbo, [{**row(0, "B-1", crebo="88888"), "bsn": stranger}])
    waiting = WaitingRow.objects.get()
    assert waiting.waits_for == WaitsFor.OPLEIDING
    with django_capture_on_commit_callbacks(execute=True):
        OpleidingFactory(school=mbo, crebo="88888", leerweg="BOL", niveau=4)
    waiting.refresh_from_db()
    assert waiting.matched_at is None and waiting.waits_for == WaitsFor.PUPIL  # now it waits for its pupil
    with django_capture_on_commit_callbacks(execute=True):
        create_pupil(school=pupils[0].school, data=personal_data(), bsn=stranger, created_by=None)
    waiting.refresh_from_db()
    assert waiting.matched_at is not None and Aanmelding.objects.filter(external_id="B-1").exists()


# --- 2. no BSN oracle ---------------------------------------------------------------------------------------


def _without_ids(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    for key in ("id", "report", "report_page", "received_at", "checksum", "size", "started_at", "finished_at"):
        data.pop(key, None)
    data.pop("duration_seconds", None)
    return data


def test_a_matched_and_an_unmatched_new_row_read_the_same_in_the_answer_and_the_report(
    push, mbo, pupils, verpleegkunde, client
):
    matched_answer, matched = push(mbo, [row(0, "C-1")])
    unmatched_answer, unmatched = push(mbo, [{**row(0, "C-2"), "bsn": valid_bsn(555)}])

    assert Aanmelding.objects.filter(external_id="C-1").exists()  # the one applied, the other waits
    assert WaitingRow.objects.filter(aanmelding_id="C-2", waits_for=WaitsFor.PUPIL).exists()
    assert _without_ids(matched_answer) == _without_ids(unmatched_answer)
    first, second = push.report(mbo, matched), push.report(mbo, unmatched)
    assert _without_ids(first) == _without_ids(second)
    assert first["counts"]["new"] == 1 and first["counts"]["unmatched"] == 0 and first["lines"] == []

    # The ROC-gebruiker's pages say the same of both.
    roc = UserFactory(organisation=mbo, role=Role.ROC)
    login_as(client, roc)
    pages = [client.get(reverse("feedback:batch", args=[b.pk])).content.decode() for b in (matched, unmatched)]
    for page in pages:
        assert "leerling onbekend" not in page.lower() and "Wacht op leerling" not in page
    strip = [
        p.replace(f"Levering {b.pk}", "").replace(f"/{b.pk}/", "/")
        for p, b in zip(pages, (matched, unmatched), strict=True)
    ]
    tiles = [
        p[p.index('data-testid="batch-counts"') : p.index("</section>", p.index('data-testid="batch-counts"'))]
        for p in strip
    ]
    assert tiles[0] == tiles[1]


# --- 4. a batch with unusually many new pupils is held ------------------------------------------------------


@pytest.fixture
def mbo1(demo) -> Organisation:
    """roc.mbo1's school (connected), with Verpleegkundige BOL (crebo 25655) in its catalogue."""
    school = Organisation.objects.get(code="25AA")
    if not Opleiding.objects.filter(school=school, crebo="25655", leerweg="BOL").exists():
        OpleidingFactory(school=school, crebo="25655", name="Verpleegkundige", niveau=4, leerweg="BOL")
    return school


@pytest.fixture
def many(demo) -> list[str]:
    """The BSNs of five pupils of 00AA without any aanmelding."""
    school = Organisation.objects.get(code="00AA")
    bsns = [valid_bsn(2000 + n) for n in range(5)]
    for bsn in bsns:
        PupilFactory(school=school, bsn=bsn)
    return bsns


def _rows_for(bsns: list[str], prefix: str) -> list[dict]:
    return [{**row(0, f"{prefix}-{n}"), "bsn": bsn} for n, bsn in enumerate(bsns)]


def test_a_batch_with_more_new_pupils_than_the_threshold_is_held_and_released_by_the_servicedesk(
    push, settings, mbo1, many, demo, client, django_capture_on_commit_callbacks
):
    settings.FEEDBACK_HOLD_NEW_PUPILS = 4
    settings.FEEDBACK_HOLD_NEW_SHARE = 0.0

    _answer, batch = push(mbo1, _rows_for(many, "H"))

    assert not Aanmelding.objects.exists() and not WaitingRow.objects.exists()
    batch.refresh_from_db()
    assert (
        batch.state == BatchState.HELD and batch.new_pupils == 5 and batch.get_state_display() == "wacht op servicedesk"
    )
    report = push.report(mbo1, batch)
    assert report["state_label"] == "wacht op servicedesk" and report["held"] is True
    assert "Deze levering wacht op de servicedesk" in report["detail"] and "(5)" in report["detail"]

    # The servicedesk sees it in admin and releases it: applied, and in the audit log.
    login_as(client, demo["servicedesk"])
    listing = client.get(reverse("admin:feedback_batch_changelist") + "?state__exact=held").content.decode()
    assert f"{batch.pk}" in listing and "wacht op servicedesk" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:feedback_batch_changelist"),
            {"action": "release_held", "_selected_action": [batch.pk]},
            follow=True,
        )
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.rows_new == 5 and batch.decided_by == demo["servicedesk"]
    assert Aanmelding.objects.filter(mbo_school=mbo1).count() == 5
    (entry,) = AuditEntry.objects.filter(action=Action.BATCH_RELEASED)
    assert entry.actor_id == demo["servicedesk"].pk and f"levering {batch.pk}" in entry.summary


def test_a_batch_at_the_threshold_is_applied_and_a_discarded_one_never(push, settings, mbo1, many, demo, client):
    settings.FEEDBACK_HOLD_NEW_PUPILS = 5
    settings.FEEDBACK_HOLD_NEW_SHARE = 0.0
    _answer, applied = push(mbo1, _rows_for(many, "T"))
    applied.refresh_from_db()
    assert applied.state == BatchState.DONE and Aanmelding.objects.count() == 5

    # Pupils who have an aanmelding at the school already do not count, even under a new aanmelding_id: of these
    # seven rows two pupils are new, above a threshold of one.
    settings.FEEDBACK_HOLD_NEW_PUPILS = 1
    extra = [valid_bsn(3000 + n) for n in range(2)]
    for bsn in extra:
        PupilFactory(school=Organisation.objects.get(code="00AA"), bsn=bsn)
    _answer, held = push(mbo1, _rows_for([*many, *extra], "U"))
    held.refresh_from_db()
    assert held.state == BatchState.HELD and held.new_pupils == 2

    login_as(client, demo["servicedesk"])
    client.post(reverse("admin:feedback_batch_changelist"), {"action": "discard_held", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.state == BatchState.DISCARDED and held.finished
    assert not Aanmelding.objects.filter(external_id__startswith="U-").exists()
    assert AuditEntry.objects.filter(action=Action.BATCH_DISCARDED, summary__contains=f"levering {held.pk}").exists()
    # A discarded batch stays discarded: releasing it now changes nothing.
    client.post(reverse("admin:feedback_batch_changelist"), {"action": "release_held", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.state == BatchState.DISCARDED and not AuditEntry.objects.filter(action=Action.BATCH_RELEASED).exists()


@pytest.mark.django_db(transaction=True)
def test_where_the_worker_runs_in_process_the_api_answer_itself_says_the_batch_is_held(
    settings, eager, mbo, verpleegkunde, pupils
):
    """The embedded default: no broker, the task runs at the commit, before the answer is written."""
    settings.FEEDBACK_HOLD_NEW_PUPILS = 2
    settings.FEEDBACK_HOLD_NEW_SHARE = 0.0
    secret = create_token(school=mbo, name="test", by=None)[1]
    response = Client(headers={"Authorization": f"Bearer {secret}"}).post(
        "/api/v1/feedback/batches",
        data=feed_json([row(n, f"M-{n}") for n in range(3)]),
        content_type="application/json",
    )
    assert response.status_code == 202
    answer = response.json()
    assert answer["state"] == "held" and answer["state_label"] == "wacht op servicedesk" and answer["held"] is True
    assert answer["detail"].startswith("Deze levering wacht op de servicedesk") and "(3)" in answer["detail"]
    assert not Aanmelding.objects.exists()
