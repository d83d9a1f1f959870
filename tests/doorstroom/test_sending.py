"""States and sending: a decaan approves a complete form; it goes (a task after the commit) to every mbo-school
where the pupil applied, also to a later one; the mbo reads an immutable snapshot, a correction is a new
version and the mbo sees both, newest first; sent or locked forms do not change."""

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.models import Delivery, Formulier, Snapshot
from doorstroom.services import approve, start_correction
from notifications.models import Melding
from students.aanmeldingen import add_aanmelding, record_status
from students.models import Status
from tests.conftest import login_as
from tests.doorstroom.conftest import posted
from tests.doorstroom.helpers import complete_form, make_form


def approve_as(client, pupil):
    return client.post(reverse("doorstroom:accorderen", args=[pupil.pk]))


@pytest.mark.django_db
def test_only_a_decaan_approves_and_only_a_complete_form(client, demo, pupil):
    partly = make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo["mentor.vo1"])
    assert approve_as(client, pupil).status_code == 403
    login_as(client, demo["decaan.vo1"])
    approve_as(client, pupil)
    partly.refresh_from_db()
    assert partly.state == Formulier.State.DEELS
    page = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert "alleen een compleet formulier kan worden geaccordeerd" in page


@pytest.mark.django_db
def test_accorderen_first_says_where_the_form_goes_and_asks(client, demo, pupil, opleiding1):
    complete_form(pupil)
    login_as(client, demo["decaan.vo1"])
    url = reverse("doorstroom:accorderen", args=[pupil.pk])
    page = client.get(url).content.decode()
    assert "nog bij geen mbo-school aangemeld" in page  # and the form is not approved by asking
    assert Formulier.objects.get(pupil=pupil).state == Formulier.State.COMPLEET
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "meteen naar deze mbo-school:" in page and opleiding1.school.name in page
    assert 'hx-post="' + url + '"' in page and "Accorderen en verzenden" in page
    saved = Formulier.objects.get(pupil=pupil).updated_at
    client.post(url)
    approved = Formulier.objects.get(pupil=pupil)
    assert approved.approved_at is not None and approved.updated_at == saved  # "laatst opgeslagen" stays the save
    login_as(client, demo["mentor.vo1"])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_approved_is_sent_after_the_commit_to_every_mbo_school_of_the_pupil(
    client, demo, pupil, opleiding1, opleiding2, eager, django_capture_on_commit_callbacks
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    add_aanmelding(pupil=pupil, opleiding=opleiding2)
    form = complete_form(pupil)
    login_as(client, demo["decaan.vo1"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approve_as(client, pupil)
    form.refresh_from_db()
    assert form.state == Formulier.State.GEACCORDEERD and not Delivery.objects.exists()  # not before the commit
    for callback in callbacks:
        callback()
    form.refresh_from_db()
    assert form.state == Formulier.State.VERZONDEN and form.sent_at
    assert {d.mbo_school.code for d in Delivery.objects.all()} == {"25AA", "25BB"}
    assert Snapshot.objects.get().answers == form.answers
    # Each mbo-school gets a melding that leads to what it may read.
    melding = Melding.objects.get(organisation__code="25AA")
    assert "Doorstroomformulier ontvangen van Sem Jansen" in melding.text
    assert melding.link == reverse("doorstroom:ontvangen", args=[pupil.pk])


@pytest.mark.django_db
def test_without_an_aanmelding_it_waits_and_a_later_aanmelding_gets_it(demo, pupil, opleiding1, opleiding2, committed):
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    form.refresh_from_db()
    assert form.state == Formulier.State.GEACCORDEERD  # nowhere to go yet
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding1, source="feed")
    form.refresh_from_db()
    assert form.state == Formulier.State.VERZONDEN
    assert list(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA"]
    # Later, at another mbo-school: it gets the sent version too.
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding2)
    assert sorted(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA", "25BB"]
    assert Snapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_sent_form_cannot_be_edited(client, demo, pupil, opleiding1, committed):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    login_as(client, demo["mentor.vo1"])
    url = reverse("doorstroom:formulier", args=[pupil.pk])
    assert client.get(url).url == reverse("doorstroom:bekijken", args=[pupil.pk])  # read-only
    client.post(url, posted(pupil, "loopbaan", "opslaan", beroepswens="Iets anders"))
    form.refresh_from_db()
    assert form.answers["beroepswens"] != "Iets anders" and form.state == Formulier.State.VERZONDEN


@pytest.mark.django_db
def test_a_correction_is_a_new_version_and_the_mbo_keeps_what_it_received(client, demo, pupil, opleiding1, committed):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    first = complete_form(pupil)
    committed(approve, form=first, by=demo["decaan.vo1"])
    sent = Snapshot.objects.get()
    received = dict(sent.answers)

    login_as(client, demo["decaan.vo1"])
    confirm = client.get(reverse("doorstroom:correctie", args=[pupil.pk]), headers={"HX-Request": "true"})
    assert "blijft zoals hij is" in confirm.content.decode()
    client.post(reverse("doorstroom:correctie", args=[pupil.pk]))
    second = Formulier.objects.get(pupil=pupil, is_current=True)
    assert second.version == 2 and second.answers == first.answers and second.attachments.count() == 1
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]),
        posted(pupil, "advies", "opslaan", advies_mentor="Na de intake: liever BBL."),
    )
    sent.refresh_from_db()
    assert sent.answers == received  # the school's correction does not touch what the mbo holds
    committed(approve_as, client, pupil)
    assert Snapshot.objects.count() == 2

    login_as(client, demo["roc.mbo1"])
    page = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    versions = page[page.index('data-testid="received-versions"') :]
    assert versions.index("Versie 2") < versions.index("Versie 1")  # newest first
    assert "Na de intake: liever BBL." in page  # the newest is shown
    # … with what changed since version 1, field by field.
    changes = page[page.index('data-testid="received-changes"') :]
    assert "Wat is er veranderd in versie 2 ten opzichte van versie 1?" in changes
    assert changes.count('data-testid="received-change"') == 1
    assert (
        "Advies mentor" in changes and received["advies_mentor"] in changes and "Na de intake: liever BBL." in changes
    )
    old = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk]), {"versie": 1}).content.decode()
    assert "Na de intake: liever BBL." not in old and received["advies_mentor"] in old


@pytest.mark.django_db
def test_the_mbo_reads_only_what_was_sent_to_it(client, demo, pupil, opleiding1, opleiding2, school, committed):
    from tests.factories import PupilFactory

    login_as(client, demo["roc.mbo1"])
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    make_form(pupil, answers={"beroepswens": "Kok"})  # a working version: not for the mbo
    page = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    assert 'data-testid="nothing-received"' in page and "Kok" not in page
    assert client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).status_code == 403
    assert client.get(reverse("doorstroom:formulier", args=[pupil.pk])).status_code == 403
    assert client.get(reverse("doorstroom:pdf", args=[pupil.pk])).status_code == 403
    assert client.get(reverse("students:leerling", args=[pupil.pk])).status_code == 403
    # A pupil who applied elsewhere only does not exist for this mbo-school.
    elsewhere = PupilFactory(school=school)
    add_aanmelding(pupil=elsewhere, opleiding=opleiding2)
    complete = complete_form(elsewhere)
    committed(approve, form=complete, by=demo["decaan.vo1"])
    for name in ("doorstroom:ontvangen", "doorstroom:bekijken", "doorstroom:formulier", "students:leerling"):
        assert client.get(reverse(name, args=[elsewhere.pk])).status_code == 404, name
    snapshot = Snapshot.objects.get(form__pupil=elsewhere)
    assert client.get(reverse("doorstroom:ontvangen_pdf", args=[snapshot.pk])).status_code == 404


@pytest.mark.django_db
def test_the_mbo_list_shows_applicants_their_status_and_received_forms(
    client, demo, pupil, opleiding1, school, django_assert_num_queries, committed, monkeypatch
):
    from tests.conftest import session_queries
    from tests.factories import PupilFactory

    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    committed(approve, form=complete_form(pupil), by=demo["decaan.vo1"])
    waiting = PupilFactory(school=school, achternaam="Wachtend")
    add_aanmelding(pupil=waiting, opleiding=opleiding1, source="feed")
    login_as(client, demo["roc.mbo1"])
    url = reverse("students:aanmeldingen")
    client.get(url)
    # (session,) user, organisation (header), how many pupils (for the pages), one page of pupils with their
    # school, the received forms of that page only, their aanmeldingen at this school, the status history,
    # the audit log's line for the pupils shown.
    with django_assert_num_queries(session_queries() + 8):
        response = client.get(url)
    html = response.content.decode()
    assert "Jansen, Sem" in html and "Wachtend" in html and "nog niet ontvangen" in html and "ontvangen " in html
    for n in range(5):
        extra = PupilFactory(school=school, achternaam=f"Extra{n}")
        add_aanmelding(pupil=extra, opleiding=opleiding1, source="feed")
    with django_assert_num_queries(session_queries() + 8):
        client.get(url)
    only_received = client.get(url, {"formulier": "ontvangen"}).context["rows"]
    assert [p.achternaam for p, _apps in only_received] == ["Jansen"]
    assert [p.forms_received for p, _apps in only_received] == [1]
    not_received = [p.achternaam for p, _apps in client.get(url, {"formulier": "niet"}).context["rows"]]
    assert "Jansen" not in not_received and "Wachtend" in not_received and len(not_received) == 6
    # A large mbo-school pages through its applicants.
    monkeypatch.setattr("students.views.mbo.PAGE_SIZE", 3)
    first, second = client.get(url), client.get(url, {"pagina": 3})
    assert len(first.context["rows"]) == 3 and "1–3 van 7" in first.content.decode()
    assert [p.achternaam for p, _apps in second.context["rows"]] == ["Wachtend"]


@pytest.mark.django_db
def test_a_definitieve_keuze_locks_a_sent_form(client, demo, pupil, opleiding1, committed):
    aanmelding = add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    record_status(aanmelding=aanmelding, status=Status.DEFINITIEF, at=aanmelding.status_at, source="feed")
    login_as(client, demo["decaan.vo1"])
    page = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert 'data-testid="locked-note"' in page and 'data-testid="correct"' not in page
    with pytest.raises(Exception, match="vergrendeld"):
        start_correction(form=Formulier.objects.get(pupil=pupil), by=demo["decaan.vo1"])
    overview = client.get(reverse("students:overzicht")).content.decode()
    assert 'data-state="vergrendeld"' in overview


@pytest.mark.django_db
def test_withdrawing_an_approval_keeps_the_form_from_going(client, demo, pupil, opleiding1, committed):
    form = complete_form(pupil)
    committed(approve, form=form, by=demo["decaan.vo1"])
    login_as(client, demo["decaan.vo1"])
    client.post(reverse("doorstroom:intrekken", args=[pupil.pk]))
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding1, source="feed")
    form.refresh_from_db()
    assert form.state == Formulier.State.COMPLEET and not Delivery.objects.exists()


@pytest.mark.django_db
def test_unsaved_input_of_a_form_that_was_sent_meanwhile_is_named_not_dropped_silently(
    client, demo, pupil, opleiding1, committed
):
    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    login_as(client, demo["mentor.vo1"])
    client.post(
        reverse("doorstroom:formulier", args=[pupil.pk]), posted(pupil, "advies", "verder", sterke_punten="Doorzetter")
    )
    committed(approve, form=form, by=demo["decaan.vo1"])  # the decaan approves and it is sent meanwhile
    page = client.get(reverse("doorstroom:formulier", args=[pupil.pk]), follow=True).content.decode()
    assert "Wat u nog niet had opgeslagen, staat er niet in: Sterke punten van de leerling: Doorzetter" in page
    from doorstroom.models import FormDraft

    assert not FormDraft.objects.exists()


@pytest.mark.django_db
def test_an_aanmelding_brought_by_the_mbo_feed_gets_the_approved_form(demo, school, group, mbo1, committed, tmp_path):
    """The feed records aanmeldingen in bulk (not one by one): the approved form still goes to that mbo-school."""
    from feedback.models import Transport
    from feedback.services import ingest, receive
    from tests.factories import OpleidingFactory, PupilFactory, valid_bsn
    from tests.feedback.conftest import feed_csv

    OpleidingFactory(school=mbo1, crebo="25655", name="Verpleegkundige", niveau=4, leerweg="BOL")
    pupil = PupilFactory(school=school, group=group, bsn=valid_bsn(4711))
    waiting = PupilFactory(school=school, group=group, bsn=valid_bsn(4712))  # approved, no aanmelding in the feed
    for each in (pupil, waiting):
        committed(approve, form=complete_form(each), by=demo["decaan.vo1"])
    assert not Delivery.objects.exists()
    data = feed_csv(
        [
            {
                "aanmelding_id": "A-1",
                "bsn": valid_bsn(4711),
                "crebo": "25655",
                "status": "ONTVANGSTBEVESTIGING",
                "status_datum": "2026-11-02",
            },
        ]
    )
    batch = receive(school=mbo1, data=data, transport=Transport.COMMAND, fmt="csv", filename="dag.csv", enqueue=False)
    committed(ingest, batch.pk)
    batch.refresh_from_db()
    assert batch.rows_new == 1
    assert [(d.snapshot.form.pupil_id, d.mbo_school.code) for d in Delivery.objects.all()] == [(pupil.pk, "25AA")]
    assert Formulier.objects.get(pupil=pupil).state == Formulier.State.VERZONDEN
    assert Formulier.objects.get(pupil=waiting).state == Formulier.State.GEACCORDEERD


@pytest.mark.django_db
def test_a_sending_that_was_never_queued_goes_with_the_hourly_safety_net(demo, pupil, opleiding1, opleiding2, eager):
    from doorstroom.sending import deliver_missing, pupils_missing_a_delivery

    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    approve(form=form, by=demo["decaan.vo1"])  # the commit's callbacks never run: as if the broker was down
    assert pupils_missing_a_delivery() == [pupil.pk]
    assert deliver_missing() == 1
    assert list(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA"]
    # a later aanmelding whose task was lost too: the sent version still reaches that school
    add_aanmelding(pupil=pupil, opleiding=opleiding2)
    assert pupils_missing_a_delivery() == [pupil.pk]
    assert deliver_missing() == 1 and deliver_missing() == 0
    assert sorted(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA", "25BB"]
    assert Snapshot.objects.count() == 1


@pytest.mark.django_db
def test_an_mbo_school_reads_only_its_own_aanmeldingen_in_the_form_also_one_that_came_later(
    client, demo, pupil, opleiding1, opleiding2, mbo2, committed
):
    import io

    from pypdf import PdfReader

    add_aanmelding(pupil=pupil, opleiding=opleiding2)  # Kok at the other mbo-school (25BB)
    record_status(aanmelding=pupil.aanmeldingen.get(), status=Status.NEGATIEF_BESLUIT, at=timezone.now(), source="hand")
    committed(approve, form=complete_form(pupil), by=demo["decaan.vo1"])
    committed(add_aanmelding, pupil=pupil, opleiding=opleiding1, source="feed")  # later, at roc.mbo1's school
    snapshot = Snapshot.objects.get()
    assert sorted(snapshot.deliveries.values_list("mbo_school__code", flat=True)) == ["25AA", "25BB"]

    login_as(client, demo["roc.mbo1"])
    page = client.get(reverse("doorstroom:ontvangen", args=[pupil.pk])).content.decode()
    pdf = client.get(reverse("doorstroom:ontvangen_pdf", args=[snapshot.pk])).content
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for text in (page, pdf_text):
        assert "Verpleegkundige" in text  # its own aanmelding, though it came after the form was sent
        assert "Kok" not in text and mbo2.name not in text and "(negatief plaatsingsbesluit)" not in text
    # The school itself reads the whole list as it was sent.
    login_as(client, demo["decaan.vo1"])
    school_view = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert "Kok" in school_view and mbo2.name in school_view and "(negatief plaatsingsbesluit)" in school_view


@pytest.mark.django_db
def test_with_the_broker_down_approving_still_works_and_the_form_goes_later(
    client, demo, pupil, opleiding1, django_capture_on_commit_callbacks, eager
):
    from doorstroom.sending import deliver_missing
    from tests.brokers import broker_down

    add_aanmelding(pupil=pupil, opleiding=opleiding1, source="feed")
    form = complete_form(pupil)
    login_as(client, demo["decaan.vo1"])
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = approve_as(client, pupil)
    assert response.status_code == 302  # the decaan is not shown a server error
    form.refresh_from_db()
    assert form.state == Formulier.State.GEACCORDEERD and not Delivery.objects.exists()
    assert deliver_missing() == 1  # the hourly safety net
    assert list(Delivery.objects.values_list("mbo_school__code", flat=True)) == ["25AA"]
