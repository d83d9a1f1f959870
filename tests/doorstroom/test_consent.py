"""Consent before sending (step Akkoord: "Gaan de leerling en de ouders akkoord met het doorsturen naar het
mbo?"): without "Ja" a form is not approved and nothing of it leaves the school, by no path; with it, the sent
version records who recorded the consent, when, and for which version; a consent withdrawn after sending keeps
what was sent and sends nothing new."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from doorstroom.consent import WITHDRAWN
from doorstroom.models import Delivery, FormRevision, Formulier, Snapshot
from doorstroom.selectors import snapshots_received_by
from doorstroom.sending import deliver, deliver_missing, deliver_to_new_schools, pupils_with_a_form_to_pass_on
from doorstroom.services import approve, start_correction
from doorstroom.tasks import deliver_missing_forms
from students.aanmeldingen import add_aanmelding
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import complete_answers, make_form

CONSENT_MESSAGE = (
    "De leerling en de ouders hebben (nog) geen toestemming gegeven voor het doorsturen naar het mbo. "
    "Zonder toestemming wordt het formulier niet verstuurd."
)


def without_consent(pupil) -> Formulier:
    answers = complete_answers(pupil)
    answers.update(akkoord_leerling="nee", akkoord_toelichting="De ouders willen eerst zelf met het mbo praten.")
    return make_form(pupil, answers=answers)


@pytest.mark.django_db
def test_a_form_answered_nee_is_complete_but_cannot_be_approved(client, demo, pupil, opleiding1):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = without_consent(pupil)
    assert form.state == Formulier.State.COMPLEET and form.percent == 100 and not form.consent_given
    login_as(client, demo["decaan.vo1"])
    url = reverse("doorstroom:accorderen", args=[pupil.pk])

    # The pop-up says why, and offers no button that approves.
    popup = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert CONSENT_MESSAGE in popup and 'data-testid="approve-refused"' in popup
    assert "Accorderen en verzenden" not in popup and 'data-testid="modal-submit"' not in popup

    # A POST all the same is refused with the same words, and nothing changes.
    response = client.post(url, follow=True)
    assert CONSENT_MESSAGE in response.content.decode()
    form.refresh_from_db()
    assert form.state == Formulier.State.COMPLEET and form.approved_at is None and form.approved_by_name == ""
    assert not form.revisions.filter(action=FormRevision.Action.APPROVED).exists()
    assert not Snapshot.objects.exists() and not Delivery.objects.exists()
    # Where the school sees the sending state, it says so too.
    page = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert 'data-testid="consent-notice"' in page and CONSENT_MESSAGE in page

    # The service refuses it for any caller, not only the page.
    with pytest.raises(Exception, match="geen toestemming"):
        approve(form=form, by=demo["decaan.vo1"])


@pytest.mark.django_db
def test_without_consent_nothing_is_sent_by_any_path_and_the_mbo_receives_nothing(
    client, demo, pupil, opleiding1, opleiding2, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = without_consent(pupil)
    # Approved before consent was required (or by a write that skipped the service): still it does not go.
    Formulier.objects.filter(pk=form.pk).update(state=Formulier.State.GEACCORDEERD, approved_by_name="Oud")

    assert deliver(form_id=form.pk) == []  # the task after approving
    assert deliver_to_new_schools(pupil_id=pupil.pk) == []  # a new aanmelding
    assert deliver_missing() == 0  # the hourly safety net
    assert committed(deliver_missing_forms.delay).get() == 0  # ... as the Celery task
    assert pupils_with_a_form_to_pass_on([pupil.pk]) == []  # a feed batch queues nothing
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding2, source="feed")  # a later aanmelding, from a feed
    form.refresh_from_db()
    assert form.state == Formulier.State.GEACCORDEERD and form.sent_at is None
    assert not Snapshot.objects.exists() and not Delivery.objects.exists()

    # The mbo-school's list of received forms stays empty, and its page of the pupil says nothing came.
    roc = demo["roc.mbo1"]
    assert not snapshots_received_by(roc).exists()
    login_as(client, roc)
    page = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert 'data-testid="nothing-received"' in page
    # The school reads why.
    login_as(client, demo["decaan.vo1"])
    assert CONSENT_MESSAGE in client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()


@pytest.mark.django_db
def test_with_consent_it_is_sent_and_the_snapshot_names_who_when_and_which_version(
    client, demo, pupil, opleiding1, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    without_consent(pupil)
    # The mentor records the consent in step Akkoord (and saves).
    login_as(client, demo["mentor.vo1"])
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]), posted(pupil, "akkoord", "opslaan", akkoord_leerling="ja")
    )
    form = Formulier.objects.get(pupil=pupil)
    assert form.answers["akkoord_leerling"] == "ja" and form.consent_given and form.state == Formulier.State.COMPLEET
    recorded = form.revisions.get(action=FormRevision.Action.SAVED)
    assert "akkoord_leerling" in recorded.fields

    # Someone else saves another step later: the consent stays the mentor's.
    login_as(client, demo["decaan.vo1"])
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]), posted(pupil, "loopbaan", "opslaan", beroepswens="Kok")
    )
    committed(approve, form=Formulier.objects.get(pupil=pupil), by=demo["decaan.vo1"])

    snapshot = Snapshot.objects.get()
    mentor = demo["mentor.vo1"]
    assert snapshot.consent_answer == "ja"
    assert snapshot.consent_by_name == (mentor.full_name or mentor.username)
    assert snapshot.consent_at == recorded.at
    assert snapshot.consent_version == 1
    assert list(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA"]

    login_as(client, demo["roc.mbo1"])
    page = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    when = timezone.localtime(recorded.at).strftime("%H:%M")
    line = f"Toestemming voor doorsturen: gegeven door de leerling en de ouders, vastgelegd door {snapshot.consent_by_name} op"
    assert line in page and when in page and "(versie 1)" in page
    pdf = client.get(reverse("doorstroom:ontvangen_pdf", args=[snapshot.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Toestemming voor doorsturen: gegeven door de leerling en de ouders" in " ".join(text.split())
    assert snapshot.consent_by_name in text


@pytest.mark.django_db
def test_consent_withdrawn_after_sending_keeps_what_was_sent_and_sends_nothing_new(
    client, demo, pupil, opleiding1, opleiding2, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    first = make_form(pupil, answers=complete_answers(pupil))
    committed(approve, form=first, by=demo["decaan.vo1"])
    assert Delivery.objects.count() == 1

    # A correction in which the pupil and the parents withdraw their consent.
    correction = start_correction(form=Formulier.objects.get(pk=first.pk), by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]),
        posted(pupil, "akkoord", "opslaan", akkoord_leerling="nee", akkoord_toelichting="Toestemming ingetrokken."),
    )
    correction.refresh_from_db()
    assert correction.state == Formulier.State.COMPLEET and not correction.consent_given

    # The correction cannot be approved; the sent version does not go to a school where the pupil applies later.
    client.post(reverse("doorstroom:accorderen", args=[pupil.pk]))
    correction.refresh_from_db()
    assert correction.state == Formulier.State.COMPLEET
    assert pupils_with_a_form_to_pass_on([pupil.pk]) == []
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding2, source="feed")
    assert deliver_missing() == 0 and deliver(form_id=first.pk) == []
    assert list(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA"]  # only what was sent

    # What was sent stays sent: the first mbo-school still reads version 1.
    assert list(snapshots_received_by(demo["roc.mbo1"]).values_list("form__version", flat=True)) == [1]
    page = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert str(WITHDRAWN) in page
