"""Meldingenoverzicht: 30 days, search by name or BSN, the access rule, read/unread, deadlines, feed statuses."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.services import set_mentor_links
from notifications.deadlines import check_all
from notifications.models import Deadline, Melding, MeldingKind, MeldingRead
from notifications.services import notify
from students.aanmeldingen import add_aanmelding, record_elders, record_status
from students.models import Status, StatusSource
from students.schoolyear import current_school_year
from tests.conftest import session_queries
from tests.factories import GroupFactory, MboSchoolFactory, OpleidingFactory, OrganisationFactory, PupilFactory

MELDINGEN = reverse("notifications:meldingen")


def shown(response) -> list[str]:
    return [m.text for _day, items in response.context["days"] for m in items]


def aged(melding, days: int):
    Melding.objects.filter(pk=melding.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


@pytest.mark.django_db
def test_older_than_30_days_is_hidden_but_found_by_name_and_by_bsn(decaan_client, decaan):
    school = decaan.organisation
    pupil = PupilFactory(school=school, voornaam="Daniël", achternaam="Öztürk", bsn="111222333")
    recent = notify(organisation=school, kind=MeldingKind.STATUS, text="Recent: intake", pupil=pupil)
    old = notify(organisation=school, kind=MeldingKind.STATUS, text="Oud: ontvangstbevestiging", pupil=pupil)
    aged(old, 45)
    aged(recent, 3)
    assert shown(decaan_client.get(MELDINGEN)) == ["Recent: intake"]
    assert shown(decaan_client.get(MELDINGEN, {"q": "daniel ozturk"}, follow=True)) == [
        "Recent: intake",
        "Oud: ontvangstbevestiging",
    ]
    by_bsn = decaan_client.get(MELDINGEN, {"q": "11122233 3"}, follow=True)
    assert shown(by_bsn) == ["Recent: intake", "Oud: ontvangstbevestiging"]
    assert "111222333" not in by_bsn.content.decode().replace('value="11122233 3"', "")
    assert 'data-testid="searched-bsn"' in by_bsn.content.decode()  # it says a BSN was searched, not which
    nobody = decaan_client.get(MELDINGEN, {"q": "123456782"}, follow=True)  # a valid BSN of nobody here
    assert shown(nobody) == [] and "over een leerling met het BSN waarop u zocht" in nobody.content.decode()
    assert "123456782" not in nobody.content.decode()
    assert not Melding.objects.filter(text__contains="111222333").exists()


@pytest.mark.django_db
def test_a_mentor_sees_only_meldingen_about_pupils_of_their_groups(client, demo):
    mentor = demo["mentor.vo1"]
    school = mentor.organisation
    mine, other = GroupFactory(school=school), GroupFactory(school=school)
    set_mentor_links(school=school, links={(mine.pk, mentor.pk)})
    notify(
        organisation=school,
        kind=MeldingKind.STATUS,
        text="Over mijn leerling",
        pupil=PupilFactory(school=school, group=mine),
    )
    notify(
        organisation=school,
        kind=MeldingKind.STATUS,
        text="Over een ander",
        pupil=PupilFactory(school=school, group=other),
    )
    notify(organisation=school, kind=MeldingKind.SYSTEEM, text="Voor iedereen")
    notify(organisation=school, kind=MeldingKind.SYSTEEM, text="Alleen voor de decaan", user=demo["decaan.vo1"])
    notify(organisation=OrganisationFactory(), kind=MeldingKind.SYSTEEM, text="Andere school")
    client.force_login(mentor)
    assert sorted(shown(client.get(MELDINGEN))) == ["Over mijn leerling", "Voor iedereen"]
    assert shown(client.get(MELDINGEN, {"q": "ander"}, follow=True)) == []
    hidden = Melding.objects.get(text="Over een ander")
    assert client.get(reverse("notifications:open", args=[hidden.pk])).status_code == 404


@pytest.mark.django_db
def test_opening_a_melding_marks_it_read_and_goes_to_the_pupil(decaan_client, decaan):
    pupil = PupilFactory(school=decaan.organisation)
    melding = notify(organisation=decaan.organisation, kind=MeldingKind.STATUS, text="Intake gepland", pupil=pupil)
    page = decaan_client.get(MELDINGEN)
    assert page.context["unread"] == 1 and "voroc-unread" in page.content.decode()
    response = decaan_client.get(reverse("notifications:open", args=[melding.pk]))
    assert response.url == reverse("students:leerling", args=[pupil.pk])
    assert MeldingRead.objects.filter(melding=melding, user=decaan).count() == 1
    assert decaan_client.get(MELDINGEN).context["unread"] == 0
    notify(organisation=decaan.organisation, kind=MeldingKind.SYSTEEM, text="Nieuw")
    decaan_client.post(reverse("notifications:read_all"))
    assert decaan_client.get(MELDINGEN).context["unread"] == 0


@pytest.mark.django_db
def test_the_page_keeps_a_fixed_number_of_queries(decaan_client, decaan, django_assert_num_queries):
    school = decaan.organisation

    def add(count):
        for n in range(count):
            pupil = PupilFactory(school=school) if n % 2 else None
            notify(
                organisation=school,
                kind=MeldingKind.STATUS if pupil else MeldingKind.SYSTEEM,
                text=f"M{n}",
                pupil=pupil,
            )

    add(5)
    decaan_client.get(MELDINGEN)
    # (session,) user, organisation (header), the meldingen with their pupil and read state,
    # the audit log's line for the pupils shown (one insert)
    expected = session_queries() + 4
    with django_assert_num_queries(expected):
        decaan_client.get(MELDINGEN)
    add(60)
    with django_assert_num_queries(expected):
        response = decaan_client.get(MELDINGEN)
    assert len(shown(response)) == 65


@pytest.mark.django_db
def test_a_status_fed_back_by_the_mbo_becomes_a_melding_a_hand_change_does_not(decaan):
    pupil = PupilFactory(school=decaan.organisation, voornaam="Sem", achternaam="Jansen")
    connected = OpleidingFactory(name="Kok", school=MboSchoolFactory(connected=True, name="ROC Feed"))
    aanmelding = add_aanmelding(pupil=pupil, opleiding=connected, source=StatusSource.FEED)
    record_status(aanmelding=aanmelding, status=Status.INTAKE, at=timezone.now(), source=StatusSource.FEED)
    melding = Melding.objects.get()
    assert melding.text == "Nieuwe status voor Sem Jansen: Intakegesprek (Kok, ROC Feed)."
    assert melding.pupil == pupil and melding.organisation == decaan.organisation
    # An older row adds history but no melding (the current status did not change).
    record_status(
        aanmelding=aanmelding,
        status=Status.ONTVANGSTBEVESTIGING,
        at=timezone.now() - datetime.timedelta(days=9),
        source=StatusSource.FEED,
    )
    hand = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    record_status(aanmelding=hand, status=Status.INTAKE, at=timezone.now(), source=StatusSource.HAND)
    assert Melding.objects.count() == 1


@pytest.mark.django_db
def test_the_deadline_task_counts_correctly_and_is_idempotent(decaan):
    school = decaan.organisation
    other = OrganisationFactory()  # a school where everybody is fine
    year = current_school_year()
    nothing = [PupilFactory(school=school) for _ in range(3)]
    applied = PupilFactory(school=school)
    add_aanmelding(pupil=applied, opleiding=OpleidingFactory(), status=Status.INTAKE)
    record_elders(pupil=nothing[0], kind="werk", date=datetime.date(year, 12, 1))
    fine = PupilFactory(school=other, diploma=True)
    record_elders(pupil=fine, kind="havo", date=datetime.date(year, 12, 1))
    PupilFactory(school=school, school_year=year - 1)  # last year's pupil: not counted

    before = datetime.date(year + 1, 4, 1)
    assert check_all(today=before) == 0  # on the day itself nothing is late yet
    after = datetime.date(year + 1, 4, 2)
    assert check_all(today=after) == 1
    assert check_all(today=after) == 0  # twice a day: nothing new
    melding = Melding.objects.get(kind=MeldingKind.DEADLINE)
    assert melding.organisation == school
    assert (
        melding.text
        == f"Iedereen aangemeld bij het mbo (01-04-{year + 1}) is verstreken: 2 leerlingen voldoen er nog niet aan."
    )
    assert melding.link == "/leerlingen/?bestemming=geen"

    # Later in June, the other deadlines follow, each once.
    assert check_all(today=datetime.date(year + 1, 7, 1)) == 3  # feedback (1), diploma (4), destination (3)
    texts = sorted(Melding.objects.filter(kind=MeldingKind.DEADLINE).values_list("text", flat=True))
    assert any("Diploma-uitslagen verwerkt" in t and "4 leerlingen" in t for t in texts)
    assert any("Terugkoppeling van het mbo" in t and "1 leerling voldoet" in t for t in texts)
    assert any("Resterende leerlingen verwerkt bij Elders" in t and "3 leerlingen" in t for t in texts)
    assert check_all(today=datetime.date(year + 1, 7, 2)) == 0
    # A deadline switched off in admin warns nobody.
    Deadline.objects.update(active=False)
    Melding.objects.all().delete()
    assert check_all(today=datetime.date(year + 1, 7, 3)) == 0


@pytest.mark.django_db
def test_a_deadline_link_opens_exactly_those_pupils(decaan_client, decaan):
    PupilFactory(school=decaan.organisation, achternaam="Nergens")
    placed = PupilFactory(school=decaan.organisation, achternaam="Geplaatst")
    add_aanmelding(pupil=placed, opleiding=OpleidingFactory(), status=Status.DEFINITIEF)
    PupilFactory(school=decaan.organisation, achternaam="Geslaagd", diploma=True)
    names = lambda q: [r.pupil.achternaam for r in decaan_client.get(f"/leerlingen/?{q}").context["rows"]]  # noqa: E731
    assert names("bestemming=open") == ["Geslaagd", "Nergens"]
    assert names("diploma=onbekend") == ["Geplaatst", "Nergens"]
