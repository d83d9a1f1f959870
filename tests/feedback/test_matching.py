"""Unknown pupils wait: a valid row without a pupil is kept and applied the moment a school adds the pupil
(or adds the BSN to a pupil who had none); nothing needs to be sent again."""

import pytest
from django.urls import reverse

from feedback import payload
from feedback.matching import match_all_waiting
from feedback.models import WaitingRow
from notifications.models import Melding
from students import bsn as bsn_crypto
from students.models import Aanmelding, Pupil, Status
from students.services import update_pupil
from tests.factories import PupilFactory, valid_bsn

from .conftest import feed_csv, personal_data, row, run_file, write

pytestmark = pytest.mark.django_db
NEW_BSN = valid_bsn(4321)


@pytest.fixture
def waiting(deliver, tmp_path, mbo, verpleegkunde):
    """Rows for an unknown BSN, through each of the three transports: they wait, whichever way they came."""
    rows = [
        {**row(0, "MB-7", "ONTVANGSTBEVESTIGING", "2026-10-01"), "bsn": NEW_BSN},
        {**row(0, "MB-7", "INTAKE", "2026-10-08"), "bsn": NEW_BSN, "locatie": "Campus Laakhaven"},
    ]
    batch = deliver(mbo, write(tmp_path, "dag.csv", feed_csv(rows)))
    batch.refresh_from_db()
    assert batch.rows_unmatched == 2 and WaitingRow.objects.count() == 2
    return batch


def test_the_rows_wait_with_only_the_blind_index_and_the_encrypted_bsn(waiting):
    for item in WaitingRow.objects.all():
        assert item.bsn_index == bsn_crypto.blind_index(NEW_BSN) and NEW_BSN not in item.bsn_encrypted
        assert bsn_crypto.decrypt(item.bsn_encrypted) == NEW_BSN
    # Sending the same day again does not make them wait twice.
    assert WaitingRow.objects.count() == 2


def test_a_school_adding_the_pupil_applies_the_waiting_rows(
    tmp_path, decaan_client, waiting, django_capture_on_commit_callbacks, eager
):
    decaan_client.get(reverse("students:toevoegen"))
    data = {**personal_data(), "stap": "gegevens", "bsn": NEW_BSN, "geboortedatum": "2010-05-17"}
    with django_capture_on_commit_callbacks(execute=True):
        response = decaan_client.post(reverse("students:toevoegen"), data)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    pupil = Pupil.objects.get(bsn_index=bsn_crypto.blind_index(NEW_BSN))
    aanmelding = Aanmelding.objects.get(external_id="MB-7")
    assert (
        aanmelding.pupil == pupil
        and aanmelding.status == Status.INTAKE
        and aanmelding.location.name == "Campus Laakhaven"
    )
    assert [c.status for c in aanmelding.history.all()] == [Status.ONTVANGSTBEVESTIGING, Status.INTAKE]
    assert "levering" in aanmelding.history.first().note
    assert {m.text.split(":")[0] for m in Melding.objects.filter(pupil=pupil)} == {
        "Nieuwe aanmelding voor Nieuw Toegevoegd",
        "Nieuwe status voor Nieuw Toegevoegd",
    }
    assert not WaitingRow.objects.filter(matched_at__isnull=True).exists()
    assert set(WaitingRow.objects.values_list("pupil", "outcome")) == {(pupil.pk, "verwerkt")}
    # Once matched, the next day's list finds the pupil directly and changes nothing.
    assert (
        run_file(waiting.mbo_school, write(tmp_path, "dag.csv", payload.unseal(bytes(waiting.payload)))).rows_unchanged
        == 2
    )


def test_adding_the_bsn_to_a_pupil_without_one_applies_them(waiting, vo, django_capture_on_commit_callbacks, eager):
    pupil = PupilFactory(school=vo, bsn=None)
    with django_capture_on_commit_callbacks(execute=True):
        update_pupil(pupil=pupil, data={}, bsn=NEW_BSN)
    assert Aanmelding.objects.get(external_id="MB-7").pupil == pupil


def test_a_waiting_row_that_no_longer_fits_is_closed_with_the_reason(
    tmp_path, waiting, vo, django_capture_on_commit_callbacks, eager
):
    # Meanwhile the school sent MB-7 for another pupil: the waiting rows cannot be applied, they say why.
    other = PupilFactory(school=vo, bsn=valid_bsn(99))
    run_file(
        waiting.mbo_school,
        write(tmp_path, "later.csv", feed_csv([{**row(0, "MB-7", "INTAKE", "2026-10-09"), "bsn": valid_bsn(99)}])),
    )
    assert Aanmelding.objects.get(external_id="MB-7").pupil == other
    with django_capture_on_commit_callbacks(execute=True):
        update_pupil(pupil=PupilFactory(school=vo, bsn=None), data={}, bsn=NEW_BSN)
    outcomes = set(WaitingRow.objects.values_list("outcome", flat=True))
    assert len(outcomes) == 1 and outcomes.pop().startswith("bsn: hoort niet bij de leerling")
    assert Aanmelding.objects.get(external_id="MB-7").pupil == other


def test_the_daily_safety_net_matches_pupils_that_came_in_without_the_signal(waiting, vo):
    PupilFactory(school=vo, bsn=NEW_BSN)  # e.g. created in bulk, without the signal
    assert WaitingRow.objects.filter(matched_at__isnull=True).count() == 2
    done = match_all_waiting()
    assert (done.applied, done.rejected) == (2, 0)
    assert Aanmelding.objects.get(external_id="MB-7").status == Status.INTAKE
    assert match_all_waiting().applied == 0  # nothing left to do
