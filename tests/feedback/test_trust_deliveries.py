"""The feed's trust boundary, for the forms that go out: a form sent to an mbo-school the vo-school did not know
(doorstroom.sending.school_knew) is a melding for each decaan of the pupil's school naming that mbo-school, and
every delivery is in the audit log. Through the real API and the real database."""

from __future__ import annotations

import json

import pytest

from accounts.models import Organisation
from audit.models import Action, AuditEntry
from doorstroom.models import Delivery, Formulier
from doorstroom.services import approve
from notifications.models import Melding
from students.aanmeldingen import add_aanmelding
from students.models import Opleiding
from tests.doorstroom.helpers import complete_form
from tests.factories import MboSchoolFactory, OpleidingFactory, PupilFactory, valid_bsn

from .conftest import bsn_of, row

pytestmark = pytest.mark.django_db


# --- 3 and 5. a delivery to an mbo-school the vo-school did not know ------------------------------------------


APPROVED_BSN = valid_bsn(4242)


@pytest.fixture
def approved(demo):
    """A pupil of 00AA (decaan.vo1's school) with an approved form with consent, not applied anywhere yet."""
    school = Organisation.objects.get(code="00AA")
    pupil = PupilFactory(school=school, bsn=APPROVED_BSN, voornaam="Sem", achternaam="Jansen")
    form = complete_form(pupil)
    approve(form=form, by=demo["decaan.vo1"])
    return pupil


@pytest.fixture
def stranger_mbo(db):
    school = MboSchoolFactory(code="29ZZ", name="Onbekend College", connected=True)
    OpleidingFactory(school=school, crebo="25655", name="Verpleegkundige", niveau=4, leerweg="BOL")
    return school


def test_a_form_sent_to_an_mbo_school_the_vo_school_did_not_know_is_a_melding_for_its_decanen(
    push, demo, approved, stranger_mbo
):
    push(stranger_mbo, [{**row(0, "D-1"), "bsn": APPROVED_BSN}])

    (delivery,) = Delivery.objects.filter(mbo_school=stranger_mbo)
    assert Formulier.objects.get(pupil=approved).state == Formulier.State.VERZONDEN
    decanen = {u.pk for u in demo.values() if u.organisation_id == approved.school_id and u.role.startswith("decaan")}
    meldingen = Melding.objects.filter(organisation=approved.school, dedupe_key__startswith="doorstroom:new-mbo-school")
    assert decanen and {m.user_id for m in meldingen} == decanen
    for melding in meldingen:
        assert "Onbekend College" in melding.text and "Sem Jansen" in melding.text
        assert melding.pupil == approved
    # Every delivery is in the audit log, saying the aanmelding came from the feed.
    (entry,) = AuditEntry.objects.filter(action=Action.SENT, pupil_id=approved.pk)
    assert "terugkoppeling" in entry.summary and entry.school_id == approved.school_id


def test_a_form_sent_to_an_mbo_school_the_vo_school_knew_is_no_melding_but_audited(push, demo, approved, stranger_mbo):
    # Before the school was connected, the vo-school entered an aanmelding of another pupil there: it knows it.
    Organisation.objects.filter(pk=stranger_mbo.pk).update(connected=False)
    stranger_mbo.refresh_from_db()
    other = PupilFactory(school=approved.school, bsn=valid_bsn(4343))
    add_aanmelding(pupil=other, opleiding=Opleiding.objects.get(school=stranger_mbo), source="hand")
    Organisation.objects.filter(pk=stranger_mbo.pk).update(connected=True)

    push(stranger_mbo, [{**row(0, "E-1"), "bsn": APPROVED_BSN}])

    assert Delivery.objects.filter(mbo_school=stranger_mbo, snapshot__form__pupil=approved).exists()
    assert not Melding.objects.filter(dedupe_key__startswith="doorstroom:new-mbo-school").exists()
    assert AuditEntry.objects.filter(action=Action.SENT, pupil_id=approved.pk).count() == 1
    assert bsn_of(0) not in json.dumps(list(AuditEntry.objects.values_list("summary", flat=True)))
