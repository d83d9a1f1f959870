"""Aanmeldingen: at most two per mbo-school, the status history, hand edits, Elders, flags, expected destination."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from students.aanmeldingen import (
    add_aanmelding,
    record_elders,
    record_status,
    set_diploma,
    set_extra_aandacht,
)
from students.destination import Heading, expected_destination, with_applications
from students.models import Aanmelding, EldersKind, FlagChange, Pupil, Status, StatusChange, StatusSource
from tests.factories import GroupFactory, MboSchoolFactory, OpleidingFactory, OrganisationFactory, PupilFactory

HX = {"HX-Request": "true"}


def day(n: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, n, 12, 0))


@pytest.fixture
def pupil(decaan):
    return PupilFactory(school=decaan.organisation, voornaam="Sem", achternaam="Jansen")


@pytest.mark.django_db
def test_a_third_aanmelding_at_one_mbo_school_is_refused(decaan_client, pupil):
    school = MboSchoolFactory(name="Vakschool West")
    first, second, third = (OpleidingFactory(school=school) for _ in range(3))
    add_aanmelding(pupil=pupil, opleiding=first)
    add_aanmelding(pupil=pupil, opleiding=second)
    with pytest.raises(ValidationError) as caught:
        add_aanmelding(pupil=pupil, opleiding=third)
    assert "maximaal twee opleidingen bij één mbo-school" in str(caught.value)
    # The same through the pop-up: the message appears under the field and nothing is added.
    response = decaan_client.post(
        reverse("students:aanmelding_toevoegen", args=[pupil.pk]),
        {"opleiding": third.pk, "status": Status.NIET_INGESCHREVEN, "date": "2026-10-01"},
        headers=HX,
    )
    assert "heeft al twee aanmeldingen bij Vakschool West" in response.content.decode()
    assert pupil.aanmeldingen.count() == 2
    # Several mbo-schools are fine, and the same opleiding twice is not.
    add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    with pytest.raises(ValidationError, match="al aangemeld voor deze opleiding"):
        add_aanmelding(pupil=pupil, opleiding=first)
    assert pupil.aanmeldingen.count() == 3


@pytest.mark.django_db
def test_a_connected_schools_statuses_cannot_be_edited_by_hand(decaan_client, pupil):
    connected = OpleidingFactory(school=MboSchoolFactory(connected=True, name="ROC Gekoppeld"))
    with pytest.raises(ValidationError, match="levert de stand van de aanmeldingen zelf aan"):
        add_aanmelding(pupil=pupil, opleiding=connected)
    aanmelding = add_aanmelding(pupil=pupil, opleiding=connected, source=StatusSource.FEED)
    with pytest.raises(ValidationError, match="kunnen niet met de hand worden gewijzigd"):
        record_status(aanmelding=aanmelding, status=Status.DEFINITIEF, at=day(5), source=StatusSource.HAND)
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    assert decaan_client.post(url, {"status": Status.DEFINITIEF, "date": "2026-10-05"}).status_code == 403
    assert decaan_client.post(reverse("students:aanmelding_verwijderen", args=[aanmelding.pk])).status_code == 403
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.NIET_INGESCHREVEN and aanmelding.history.count() == 1
    page = decaan_client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert f'href="{url}"' not in page and "automatisch bijgewerkt door de mbo-school" in page
    # The connected school is not offered for a hand-made aanmelding.
    form = decaan_client.get(reverse("students:aanmelding_toevoegen", args=[pupil.pk]), headers=HX)
    assert connected not in form.context["form"].fields["opleiding"].queryset


@pytest.mark.django_db
def test_the_history_keeps_every_change_in_order_and_never_moves_back(pupil):
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(), status=Status.NIET_INGESCHREVEN, at=day(1))
    record_status(aanmelding=aanmelding, status=Status.ONTVANGSTBEVESTIGING, at=day(3), source=StatusSource.FEED)
    record_status(aanmelding=aanmelding, status=Status.POSITIEF_BESLUIT, at=day(20), source=StatusSource.FEED)
    # A late row with an older date adds history but does not move the current status back.
    record_status(aanmelding=aanmelding, status=Status.INTAKE, at=day(10), source=StatusSource.FEED)
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.POSITIEF_BESLUIT and aanmelding.status_at == day(20)
    history = list(aanmelding.history.values_list("status", "at"))
    assert history == [
        (Status.NIET_INGESCHREVEN, day(1)),
        (Status.ONTVANGSTBEVESTIGING, day(3)),
        (Status.INTAKE, day(10)),
        (Status.POSITIEF_BESLUIT, day(20)),
    ]
    assert StatusChange.objects.count() == 4


@pytest.mark.django_db
def test_a_hand_status_cannot_be_in_the_future_and_says_who(decaan_client, decaan, pupil):
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    refused = decaan_client.post(url, {"status": Status.INTAKE, "date": future}, headers=HX)
    assert "kan niet in de toekomst liggen" in refused.content.decode()
    today = timezone.localdate().isoformat()
    decaan_client.post(url, {"status": Status.INTAKE, "date": today, "note": "Intake op locatie Delft"}, headers=HX)
    change = aanmelding.history.last()
    assert (change.status, change.source, change.user, change.note) == (
        Status.INTAKE,
        StatusSource.HAND,
        decaan,
        "Intake op locatie Delft",
    )
    popup = decaan_client.get(reverse("students:status", args=[aanmelding.pk, Status.INTAKE]), headers=HX)
    html = popup.content.decode()
    assert "Intake op locatie Delft" in html and decaan.full_name in html and "Ingevoerd door de vo-school" in html
    # A block that was never reached has no pop-up.
    assert decaan_client.get(reverse("students:status", args=[aanmelding.pk, Status.DEFINITIEF])).status_code == 404


@pytest.mark.django_db
def test_status_pop_up_of_another_schools_pupil_is_404(decaan_client):
    other = PupilFactory(school=OrganisationFactory())
    aanmelding = add_aanmelding(pupil=other, opleiding=OpleidingFactory())
    assert decaan_client.get(reverse("students:status", args=[aanmelding.pk, 1])).status_code == 404
    assert decaan_client.get(reverse("students:status_bijwerken", args=[aanmelding.pk])).status_code == 404


def destination_of(pupil):
    return expected_destination(with_applications(Pupil.objects.filter(pk=pupil.pk)).get())


@pytest.mark.django_db
def test_expected_destination_for_each_case(decaan):
    school = decaan.organisation
    vpk = OpleidingFactory(name="Verpleegkunde", niveau=4, school=MboSchoolFactory(name="MBO1"))
    ict = OpleidingFactory(name="Medewerker ICT", niveau=2, school=MboSchoolFactory(name="MBO2"))

    nothing = PupilFactory(school=school)
    assert destination_of(nothing) == (Heading.GEEN, "Geen aanmelding")

    pending = PupilFactory(school=school)
    add_aanmelding(pupil=pending, opleiding=vpk, status=Status.INTAKE, at=day(2))
    assert destination_of(pending).heading == Heading.AANGEMELD
    assert destination_of(pending).text == "1 aanmelding loopt, nog geen besluit"

    one_positive = PupilFactory(school=school)
    add_aanmelding(pupil=one_positive, opleiding=vpk, status=Status.POSITIEF_BESLUIT, at=day(2))
    assert destination_of(one_positive).text == "Positief besluit: Verpleegkunde niveau 4, MBO1, nog geen keuze"

    two_positive = PupilFactory(school=school)
    add_aanmelding(pupil=two_positive, opleiding=vpk, status=Status.POSITIEF_BESLUIT, at=day(2))
    add_aanmelding(pupil=two_positive, opleiding=ict, status=Status.POSITIEF_BESLUIT, at=day(3))
    assert destination_of(two_positive) == (Heading.POSITIEF, "2 positieve besluiten, nog geen keuze")

    final = PupilFactory(school=school)
    add_aanmelding(pupil=final, opleiding=ict, status=Status.POSITIEF_BESLUIT, at=day(2))
    add_aanmelding(pupil=final, opleiding=vpk, status=Status.DEFINITIEF, at=day(4))
    assert destination_of(final) == (Heading.DEFINITIEF, "Definitieve keuze: Verpleegkunde niveau 4, MBO1")

    elsewhere = PupilFactory(school=school)
    add_aanmelding(pupil=elsewhere, opleiding=vpk, status=Status.NEGATIEF_BESLUIT, at=day(2))
    assert destination_of(elsewhere).heading == Heading.NEGATIEF
    record_elders(pupil=elsewhere, kind=EldersKind.WERK, date=datetime.date(2026, 10, 3))
    assert destination_of(elsewhere) == (Heading.ELDERS, "Elders: werk")

    other_mbo = PupilFactory(school=school)
    record_elders(pupil=other_mbo, kind=EldersKind.MBO_ANDERS, name="Grafisch Lyceum", date=datetime.date(2026, 10, 3))
    assert destination_of(other_mbo).text == "Elders: andere mbo-school (Grafisch Lyceum)"


@pytest.mark.django_db
def test_the_overview_filters_on_expected_destination(decaan_client, decaan):
    school = decaan.organisation
    PupilFactory(school=school, achternaam="Zonder")
    placed = PupilFactory(school=school, achternaam="Geplaatst")
    add_aanmelding(pupil=placed, opleiding=OpleidingFactory(), status=Status.DEFINITIEF, at=day(2))
    response = decaan_client.get(reverse("students:overzicht"), {"bestemming": "geen"})
    assert [r.pupil.achternaam for r in response.context["rows"]] == ["Zonder"]
    assert dict((h.value, n) for h, n in response.context["headings"])["definitief"] == 1
    html = decaan_client.get(reverse("students:overzicht")).content.decode()
    assert "Definitieve keuze: " in html and 'data-testid="status-row"' in html


@pytest.mark.django_db
def test_elders_through_the_pop_up_with_a_name_for_another_mbo(decaan_client, decaan, pupil):
    url = reverse("students:elders", args=[pupil.pk])
    missing = decaan_client.post(url, {"kind": "mbo", "date": "2026-06-20"}, headers=HX)
    assert "Vul de naam van de mbo-school" in missing.content.decode()
    decaan_client.post(url, {"kind": "mbo", "name": "Grafisch Lyceum", "date": "2026-06-20", "note": "BBL"}, headers=HX)
    elders = pupil.elders.get()
    assert (elders.kind, elders.name, elders.created_by) == ("mbo", "Grafisch Lyceum", decaan)
    row = decaan_client.get(reverse("students:overzicht")).context["rows"][0]
    assert row.elders == elders and row.destination.heading == Heading.ELDERS


@pytest.mark.django_db
def test_diploma_per_pupil_and_per_group_keeps_who_and_when(decaan_client, decaan):
    group = GroupFactory(school=decaan.organisation, name="4A")
    pupils = [PupilFactory(school=decaan.organisation, group=group) for _ in range(3)]
    decaan_client.post(reverse("students:diploma", args=[pupils[0].pk]), {"diploma": "ja"})
    pupils[0].refresh_from_db()
    assert pupils[0].diploma is True
    form = decaan_client.get(reverse("students:diploma_groep"), {"groep": group.pk}, headers=HX)
    assert len(form.context["pupils"]) == 3
    data = {f"diploma-{pupils[0].pk}": "ja", f"diploma-{pupils[1].pk}": "nee", f"diploma-{pupils[2].pk}": ""}
    decaan_client.post(f"{reverse('students:diploma_groep')}?groep={group.pk}", data, headers=HX)
    assert [Pupil.objects.get(pk=p.pk).diploma for p in pupils] == [True, False, None]
    changes = list(FlagChange.objects.filter(flag="diploma").values_list("pupil", "old_value", "new_value", "user"))
    assert changes == [(pupils[0].pk, "", "ja", decaan.pk), (pupils[1].pk, "", "nee", decaan.pk)]
    # A value that is not ja/nee/empty changes nothing.
    bad = decaan_client.post(
        f"{reverse('students:diploma_groep')}?groep={group.pk}",
        {**data, f"diploma-{pupils[2].pk}": "misschien"},
        headers=HX,
    )
    assert "Kies bij elke leerling" in bad.content.decode()
    assert set_diploma(pupils=[Pupil.objects.get(pk=pupils[0].pk)], value=True, by=decaan) == 0  # no change, no record


@pytest.mark.django_db
def test_extra_aandacht_text_for_the_mbo_with_history(decaan_client, decaan, pupil):
    url = reverse("students:extra_aandacht", args=[pupil.pk])
    decaan_client.post(url, {"text": "Twijfelt tussen zorg en ICT; graag extra loopbaanadvies."}, headers=HX)
    pupil.refresh_from_db()
    assert pupil.extra_aandacht.startswith("Twijfelt")
    assert not set_extra_aandacht(pupil=pupil, text=pupil.extra_aandacht, by=decaan)  # same text: nothing new
    decaan_client.post(url, {"text": ""}, headers=HX)
    pupil.refresh_from_db()
    assert pupil.extra_aandacht == ""
    assert [c.new_value[:8] for c in FlagChange.objects.filter(flag="extra_aandacht")] == ["Twijfelt", ""]


@pytest.mark.django_db
def test_a_zorgcoordinator_reads_the_aanmeldingen_but_changes_nothing(client, demo):
    zorg = demo["zorg.vo1"]
    pupil = PupilFactory(school=zorg.organisation)
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    client.force_login(zorg)
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert aanmelding.opleiding.name in page and "Status bijwerken" not in page and "Bestemming vastleggen" not in page
    for url in (
        reverse("students:aanmelding_toevoegen", args=[pupil.pk]),
        reverse("students:elders", args=[pupil.pk]),
        reverse("students:diploma", args=[pupil.pk]),
        reverse("students:status_bijwerken", args=[aanmelding.pk]),
    ):
        assert client.post(url, {"diploma": "ja", "kind": "werk", "date": "2026-01-01"}).status_code == 403, url
    assert Aanmelding.objects.count() == 1 and not pupil.elders.exists()


@pytest.mark.django_db
def test_hand_statuses_must_make_sense(decaan_client, pupil):
    first = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(name="Kok"), status=Status.INTAKE, at=day(10))
    second = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory(), status=Status.INTAKE, at=day(10))
    record_status(aanmelding=first, status=Status.DEFINITIEF, at=day(12), source=StatusSource.HAND)
    with pytest.raises(ValidationError, match="al een definitieve keuze: Kok"):
        record_status(aanmelding=second, status=Status.DEFINITIEF, at=day(12), source=StatusSource.HAND)
    url = reverse("students:status_bijwerken", args=[second.pk])
    earlier = decaan_client.post(url, {"status": Status.POSITIEF_BESLUIT, "date": "2026-10-05"}, headers=HX)
    assert "vóór die van de huidige status (10-10-2026)" in earlier.content.decode()
    assert earlier.context["form"].errors["date"]
    second.refresh_from_db()
    assert second.status == Status.INTAKE and second.history.count() == 1


@pytest.mark.django_db
def test_a_status_just_after_midnight_counts_on_the_dutch_day(pupil):
    """00:30 in Amsterdam is 23:30 UTC the day before: the same Dutch day is not 'before' the current status."""
    just_after_midnight = timezone.make_aware(datetime.datetime(2026, 12, 2, 0, 10))
    aanmelding = add_aanmelding(
        pupil=pupil, opleiding=OpleidingFactory(), status=Status.ONTVANGSTBEVESTIGING, at=just_after_midnight
    )
    later_that_night = just_after_midnight + datetime.timedelta(minutes=20)
    assert later_that_night.astimezone(datetime.UTC).date() == datetime.date(2026, 12, 1)
    record_status(aanmelding=aanmelding, status=Status.INTAKE, at=later_that_night, source=StatusSource.HAND)
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.INTAKE
    with pytest.raises(ValidationError, match="vóór die van de huidige status"):
        record_status(aanmelding=aanmelding, status=Status.POSITIEF_BESLUIT, at=day(30), source=StatusSource.HAND)


@pytest.mark.django_db
def test_the_diploma_uitslag_button_is_only_for_those_who_may_use_it(client, demo):
    group = GroupFactory(school=demo["zorg.vo1"].organisation, name="4A")
    PupilFactory(school=group.school, group=group)
    for username, visible in (("zorg.vo1", False), ("decaan.vo1", True)):
        client.force_login(demo[username])
        html = client.get(reverse("students:overzicht"), {"groep": group.pk}).content.decode()
        assert ('data-testid="group-diploma"' in html) is visible, username


@pytest.mark.django_db
def test_elders_recorded_by_mistake_can_be_removed_with_confirmation(decaan_client, demo, pupil):
    elders = record_elders(pupil=pupil, kind=EldersKind.WERK, date=datetime.date(2026, 10, 1))
    url = reverse("students:elders_verwijderen", args=[elders.pk])
    assert "Ja, verwijderen" in decaan_client.get(url, headers=HX).content.decode()
    assert pupil.elders.count() == 1
    decaan_client.force_login(demo["zorg.vo1"])  # the same test client, now as the zorgcoördinator
    assert decaan_client.post(url).status_code == 403
    decaan_client.force_login(demo["decaan.vo1"])
    other = record_elders(
        pupil=PupilFactory(school=OrganisationFactory()), kind=EldersKind.HAVO, date=datetime.date(2026, 10, 1)
    )
    assert decaan_client.post(reverse("students:elders_verwijderen", args=[other.pk])).status_code == 404
    decaan_client.post(url, headers=HX)
    assert not pupil.elders.exists() and other.pupil.elders.count() == 1


@pytest.mark.django_db
def test_the_group_diploma_pop_up_keeps_a_fixed_number_of_queries(decaan_client, decaan, django_assert_num_queries):
    from tests.conftest import session_queries

    group = GroupFactory(school=decaan.organisation, name="4A")
    url = reverse("students:diploma_groep")
    PupilFactory(school=decaan.organisation, group=group)
    decaan_client.get(url, {"groep": group.pk}, headers=HX)
    # (session,) user, organisation, the groups, the group's pupils, the audit log's line (one insert)
    expected = session_queries() + 5
    with django_assert_num_queries(expected):
        decaan_client.get(url, {"groep": group.pk}, headers=HX)
    for _ in range(20):
        PupilFactory(school=decaan.organisation, group=group)
    with django_assert_num_queries(expected):
        response = decaan_client.get(url, {"groep": group.pk}, headers=HX)
    assert len(response.context["pupils"]) == 21
