"""Extra aandacht onderwijskeuzeproces reaches the mbo-schools where the pupil applied, on the ground of the
form's consent: shown on the mbo's page of the pupil and in the received form once a version with consent was
delivered there; never to a school without an aanmelding of the pupil; the vo-school reads when it was passed
on; an mbo user's view is in the audit log."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from audit.models import Action, AuditEntry
from doorstroom.models import Formulier, Snapshot
from doorstroom.services import approve, start_correction
from students.aanmeldingen import add_aanmelding, set_extra_aandacht
from students.passed_on import extra_aandacht_passed_on
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import complete_form
from tests.factories import UserFactory

TEXT = "Twijfelt tussen zorg en techniek; graag een extra loopbaangesprek bij de intake."


def mbo_page(client, user, pupil):
    login_as(client, user)
    return client.get(reverse("doorstroom:ontvangen", args=[pupil.pk]))


@pytest.mark.django_db
def test_the_mbo_sees_extra_aandacht_once_a_form_with_consent_reached_it(
    client, demo, pupil, opleiding1, mbo1, committed
):
    roc = demo["roc.mbo1"]
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    set_extra_aandacht(pupil=pupil, text=TEXT, by=demo["mentor.vo1"])
    form = complete_form(pupil)

    # Applied there, but no form with consent yet: nothing of it leaves the school.
    page = mbo_page(client, roc, pupil).content.decode()
    assert TEXT not in page and 'data-testid="received-extra-aandacht"' not in page
    assert extra_aandacht_passed_on(pupil) == []
    login_as(client, demo["decaan.vo1"])
    school_page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Nog niet doorgegeven" in school_page

    committed(approve, form=form, by=demo["decaan.vo1"])
    snapshot = Snapshot.objects.get()
    assert snapshot.extra_aandacht == TEXT

    # The mbo's page of the pupil, and the received form (its PDF).
    seen_before = AuditEntry.objects.filter(action=Action.VIEW, pupil_id=pupil.pk, actor_id=roc.pk).count()
    response = mbo_page(client, roc, pupil)
    page = response.content.decode()
    assert 'data-testid="received-extra-aandacht"' in page and TEXT in page
    assert f"Doorgegeven door {pupil.school.name} op" in page
    # The view is recorded as every view of a pupil by an mbo user.
    assert AuditEntry.objects.filter(action=Action.VIEW, pupil_id=pupil.pk, actor_id=roc.pk).count() == seen_before + 1
    pdf = client.get(reverse("doorstroom:ontvangen_pdf", args=[snapshot.pk])).content
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Extra aandacht" in pdf_text and "extra loopbaangesprek bij de intake" in pdf_text

    # The school reads to which mbo-school it went, and when.
    delivered = snapshot.deliveries.get().delivered_at
    login_as(client, demo["decaan.vo1"])
    school_page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert f"Doorgegeven aan {mbo1.name} op {timezone.localtime(delivered):%d-%m-%Y}" in school_page
    [passed] = extra_aandacht_passed_on(pupil)
    assert (passed.mbo_school_id, passed.text, passed.since) == (mbo1.pk, TEXT, delivered)

    # While the consent stands, a later change reaches the mbo-school (from the moment it was made).
    set_extra_aandacht(pupil=pupil, text="Heeft inmiddels gekozen voor zorg.", by=demo["mentor.vo1"])
    assert "Heeft inmiddels gekozen voor zorg." in mbo_page(client, roc, pupil).content.decode()
    [passed] = extra_aandacht_passed_on(pupil)
    assert passed.since > delivered


@pytest.mark.django_db
def test_an_mbo_school_without_an_aanmelding_of_the_pupil_sees_nothing(
    client, demo, pupil, opleiding1, mbo2, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    set_extra_aandacht(pupil=pupil, text=TEXT, by=demo["mentor.vo1"])
    committed(approve, form=complete_form(pupil), by=demo["decaan.vo1"])
    other = UserFactory(organisation=mbo2, role=Role.ROC, username="roc.mbo2")
    assert mbo_page(client, other, pupil).status_code == 404
    assert extra_aandacht_passed_on(pupil, mbo_school_id=mbo2.pk) == []
    assert [p.mbo_school_id for p in extra_aandacht_passed_on(pupil)] == [opleiding1.school_id]


@pytest.mark.django_db
def test_after_the_consent_is_withdrawn_the_mbo_keeps_what_was_sent_and_no_later_change(
    client, demo, pupil, opleiding1, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    set_extra_aandacht(pupil=pupil, text=TEXT, by=demo["mentor.vo1"])
    first = complete_form(pupil)
    committed(approve, form=first, by=demo["decaan.vo1"])
    start_correction(form=Formulier.objects.get(pk=first.pk), by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]),
        posted(pupil, "akkoord", "opslaan", akkoord_leerling="nee", akkoord_toelichting="Ingetrokken."),
    )
    set_extra_aandacht(pupil=pupil, text="Nieuwe tekst na het intrekken.", by=demo["mentor.vo1"])
    page = mbo_page(client, demo["roc.mbo1"], pupil).content.decode()
    assert TEXT in page and "Nieuwe tekst na het intrekken." not in page
    login_as(client, demo["decaan.vo1"])
    school_page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "de toestemming is daarna ingetrokken" in school_page
