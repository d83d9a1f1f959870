"""Terugkoppeling: the ROC-gebruiker's list of their school's batches and each batch's report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Batch, BatchLine, BatchState
from tests.conftest import session_queries
from tests.factories import MboSchoolFactory, OpleidingFactory, PupilFactory, valid_bsn

from .conftest import feed_csv, row, run_file, write

pytestmark = pytest.mark.django_db
LIST = reverse("feedback:batches")


@pytest.fixture
def roc(client, demo):
    client.force_login(demo["roc.mbo1"])
    return client


@pytest.fixture
def school(demo):
    return demo["roc.mbo1"].organisation


def a_day(tmp_path, school, name="dag.csv"):
    OpleidingFactory(school=school, crebo="25655", name="Verpleegkundige", leerweg="BOL")
    vo = PupilFactory(bsn=valid_bsn(61)).school
    PupilFactory(school=vo, bsn=valid_bsn(62))
    rows = [
        {**row(0, "MB-1"), "bsn": valid_bsn(61)},
        {**row(0, "MB-2", "INTAKE"), "bsn": valid_bsn(62)},
        {**row(0, "MB-3"), "bsn": valid_bsn(63)},  # nobody with this BSN yet
        {**row(0, "MB-4"), "status_datum": "31-02-2026"},
    ]
    return run_file(school, write(tmp_path, name, feed_csv(rows)))


def test_the_list_shows_the_own_schools_batches_newest_first_with_their_counts(roc, school, tmp_path):
    first = a_day(tmp_path, school)
    Batch.objects.filter(pk=first.pk).update(received_at=timezone.now() - datetime.timedelta(days=1))
    second = run_file(school, write(tmp_path, "dag.csv", (tmp_path / "dag.csv").read_bytes()))
    failed = run_file(school, write(tmp_path, "leeg.csv", b""))
    Batch.objects.create(mbo_school=MboSchoolFactory(connected=True), transport="api", filename="van-een-ander.csv")
    response = roc.get(LIST)
    assert [b.pk for b in response.context["page"].object_list] == [failed.pk, second.pk, first.pk]
    html = response.content.decode()
    assert "van-een-ander.csv" not in html and "Het bestand is leeg." in html
    assert f"gelijk aan nr. {first.pk}" in html
    assert 'data-testid="not-connected"' not in html


def test_the_report_page_has_counts_duration_and_the_lines_by_number_and_reason(roc, school, tmp_path, eager):
    batch = a_day(tmp_path, school)
    response = roc.get(reverse("feedback:batch", args=[batch.pk]))
    html = response.content.decode()
    # The line whose pupil VOROC does not know is not shown: a report does not tell whether a BSN is a pupil's.
    assert response.context["counts"] == {"rejected": 1, "waiting": 0, "warning": 0}
    assert response.context["kind"] == "rejected"
    assert "4 regels verwerkt in minder dan een seconde." in html
    # What to do next, and which values are right, in words for the mbo's administrator (no program names).
    assert 'data-testid="batch-next"' in html and "gaan dan vanzelf mee in de volgende levering" in html
    assert (
        "<code>POSITIEF_BESLUIT</code> · 6 Positief plaatsingsbesluit · <code>onderwijsovereenkomst aangeboden</code>"
        in html
    )
    assert "via de servicedesk (ingelezen)" in html and "de servicedesk van VOROC" in html
    assert "manage.py" not in html and "commando" not in html
    [line] = response.context["page"].object_list
    assert (line.line, line.aanmelding_id) == (5, "MB-4") and "is geen geldige datum" in line.reason
    hidden = roc.get(reverse("feedback:batch", args=[batch.pk]), {"soort": "unmatched"})
    assert hidden.context["kind"] == "rejected"  # no such tab
    assert "wacht tot een school de leerling" not in hidden.content.decode()
    assert "leerling onbekend" not in html.lower()


def test_another_schools_batch_is_404_and_other_roles_get_403(client, demo, roc):
    theirs = Batch.objects.create(mbo_school=MboSchoolFactory(connected=True), transport="api")
    assert roc.get(reverse("feedback:batch", args=[theirs.pk])).status_code == 404
    client.force_login(demo["decaan.vo1"])
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("feedback:batch", args=[theirs.pk])).status_code == 403


def test_a_failed_and_a_running_batch(roc, school):
    failed = Batch.objects.create(
        mbo_school=school, transport="inbox", state=BatchState.FAILED, failure="Het bestand is leeg."
    )
    html = roc.get(reverse("feedback:batch", args=[failed.pk])).content.decode()
    assert "kon niet worden gelezen" in html and "Het bestand is leeg." in html
    running = Batch.objects.create(
        mbo_school=school,
        transport="api",
        state=BatchState.PROCESSING,
        rows_read=4000,
        rows_done=2000,
        chunks_total=2,
        chunks_done=1,
    )
    html = roc.get(reverse("feedback:batch", args=[running.pk])).content.decode()
    assert "2000 van 4000 regels verwerkt" in html and 'hx-trigger="every 2s"' in html
    partial = roc.get(reverse("feedback:batch", args=[running.pk]), {"voortgang": "1"}, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "feedback/partials/progress.html"


def test_an_empty_list_and_a_school_that_is_not_connected(roc, school):
    html = roc.get(LIST).content.decode()
    assert "Nog geen verslag van een levering" in html and "Er is nog niets van uw school ontvangen" in html
    school.connected = False
    school.save()
    assert 'data-testid="not-connected"' in roc.get(LIST).content.decode()


def test_the_list_keeps_a_fixed_number_of_queries(roc, school, django_assert_num_queries):
    def add(count):
        for n in range(count):
            Batch.objects.create(mbo_school=school, transport="api", rows_read=n, filename=f"dag-{n}.csv")

    add(3)
    roc.get(LIST)  # warm up
    # (session,) user, organisation (header), count of batches, the page of batches, and for the top: the last
    # two weeks' totals and the last delivery.
    expected = session_queries() + 6
    with django_assert_num_queries(expected):
        small = roc.get(LIST)
    add(40)
    with django_assert_num_queries(expected):
        large = roc.get(LIST)
    assert len(small.context["page"].object_list) == 3 and len(large.context["page"].object_list) == 30


def test_the_report_keeps_a_fixed_number_of_queries(roc, school, django_assert_num_queries):
    batch = Batch.objects.create(mbo_school=school, transport="api", state=BatchState.DONE)
    BatchLine.objects.create(batch=batch, line=2, kind="waiting", aanmelding_id="A-0", reason="x")
    url = reverse("feedback:batch", args=[batch.pk])
    roc.get(url)
    # (session,) user, organisation, the batch, counts per kind, count of lines, the page of lines; for the audit
    # log the pupils behind the lines shown, and its entry.
    expected = session_queries() + 8
    with django_assert_num_queries(expected):
        roc.get(url, {"soort": "waiting"})
    BatchLine.objects.bulk_create(
        [BatchLine(batch=batch, line=n, kind="waiting", aanmelding_id=f"A-{n}", reason="x") for n in range(3, 300)]
    )
    with django_assert_num_queries(expected):
        response = roc.get(url, {"soort": "waiting"})
    assert len(response.context["page"].object_list) == 100


def test_the_school_gets_a_melding_when_a_delivery_needs_its_action(roc, school, tmp_path):
    """Rejected rows change nothing until the school sends them again: a melding says so, once, with a link to
    those lines; so does a delivery that could not be read. A delivery that went well makes no melding."""
    from feedback.services import receive
    from notifications.models import Melding

    batch = a_day(tmp_path, school)
    [melding] = Melding.objects.filter(organisation=school)
    assert melding.text.startswith(f"Levering nr. {batch.pk} (") and "1 regel is afgewezen" in melding.text
    assert melding.link == reverse("feedback:batch", args=[batch.pk]) + "?soort=rejected"
    page = roc.get(reverse("notifications:meldingen")).content.decode()
    opened = reverse("notifications:open", args=[melding.pk])
    assert "1 regel is afgewezen" in page and f'href="{opened}"' in page
    assert roc.get(opened).url == melding.link
    from feedback.services import ingest

    ingest(batch.pk)  # run again: no second melding
    assert Melding.objects.filter(organisation=school).count() == 1
    empty = receive(school=school, data=b"", transport="inbox", fmt="csv", filename="leeg.csv", enqueue=False)
    assert Melding.objects.get(organisation=school, link=reverse("feedback:batch", args=[empty.pk])).text.endswith(
        "kon niet worden gelezen: Het bestand is leeg."
    )
    good = run_file(school, write(tmp_path, "goed.csv", feed_csv([{**row(0, "MB-1"), "bsn": valid_bsn(61)}])))
    assert good.rows_rejected == 0 and Melding.objects.filter(organisation=school).count() == 2


def test_the_top_says_what_arrived_and_what_needs_action(roc, school):
    """For an mbo employee: the last delivery in words, and what of the last two weeks still needs action."""
    from feedback.models import Batch

    Batch.objects.create(mbo_school=school, transport="api", state="done", rows_read=120, rows_new=3, rows_updated=9)
    Batch.objects.create(
        mbo_school=school,
        transport="api",
        state="done",
        rows_read=10,
        rows_rejected=2,
        rows_unmatched=1,
        rows_waiting=1,
    )
    html = roc.get(LIST).content.decode()
    assert "10 aanmeldingen doorgegeven" in html  # the newest first
    assert "2 regels afgewezen" in html and "1 regel noemt een opleiding die (nog) niet in de catalogus" in html
    assert "VOROC (nog) niet kent" not in html  # rows waiting for their pupil are not the school's to hear of
    assert "Voor uw ICT-afdeling" in html


def test_statuses_from_the_feed_without_any_delivery_are_explained(roc, school):
    """Statuses set through the feed before the first delivery on record: the page says why there is no report."""
    from students.aanmeldingen import add_aanmelding
    from tests.factories import OpleidingFactory, PupilFactory

    add_aanmelding(pupil=PupilFactory(), opleiding=OpleidingFactory(school=school), source="feed")
    assert 'data-testid="statuses-without-report"' in roc.get(LIST).content.decode()
