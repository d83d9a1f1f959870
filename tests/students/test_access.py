"""Who sees which pupil: every pupil URL × every role × own group / other group / other school.

Outside the scope is 404 (whatever the role); inside it without the right is 403.
"""

import pytest
from django.urls import reverse

from groups.models import Group
from students.models import Pupil, SchoolLink
from students.selectors import pupils_visible_to
from tests.conftest import login_as

ROLES = [
    "beheerder.vo1",
    "decaan.vo1",
    "mentor.vo1",
    "zorg.vo1",
    "roc.mbo1",
    "gemeente.denhaag",
    "servicedesk",
]

# Expected status per role for a pupil of VO1 in one of mentor.vo1's groups.
# The gemeente of the pupil's address (the VO1 pupils here live in Den Haag) reads the page and changes nothing.
OWN_PUPIL = {
    "students:leerling": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 200,
        "gemeente.denhaag": 200,
    },
    "students:bewerken": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    },
    "students:verwijderen": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 403,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    },
    "students:aanmelding_toevoegen": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    },
    "students:elders": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    },
    "students:extra_aandacht": {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    },
}


@pytest.fixture
def pupils(demo_pupils):
    mentor_group = Group.objects.get(school__code="00AA", name="4A")
    other_group = Group.objects.get(school__code="00AA", name="4C")
    pupils = {
        "own": Pupil.objects.filter(group=mentor_group).first(),
        "other_group": Pupil.objects.filter(group=other_group).first(),
        "other_school": Pupil.objects.filter(school__code="00BB").first(),
    }
    # Where they live (the gemeente's scope): the VO1 pupils in Den Haag, the VO2 pupil in Delft.
    Pupil.objects.filter(pk__in=[pupils["own"].pk, pupils["other_group"].pk]).update(postcode="2517 AB")
    Pupil.objects.filter(pk=pupils["other_school"].pk).update(postcode="2611 AB")
    return pupils


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_pupil_urls_by_role_and_scope(client, demo_pupils, pupils, username):
    """Per role every pupil URL (one demo region per role: seeding it is what takes the time)."""
    login_as(client, demo_pupils[username])
    for url_name, expected_own in OWN_PUPIL.items():
        own = client.get(reverse(url_name, args=[pupils["own"].pk]))
        assert own.status_code == expected_own.get(username, 404), url_name
        other_school = client.get(reverse(url_name, args=[pupils["other_school"].pk]))
        assert other_school.status_code == 404, url_name
        other_group = client.get(reverse(url_name, args=[pupils["other_group"].pk]))
        expected = 404 if username == "mentor.vo1" else expected_own.get(username, 404)
        assert other_group.status_code == expected, url_name
        # Writing is no way around it either.
        post = client.post(reverse(url_name, args=[pupils["other_school"].pk]), {"voornaam": "X"})
        assert post.status_code in (404, 405), url_name
        assert Pupil.objects.filter(pk=pupils["other_school"].pk, voornaam="X").count() == 0, url_name


@pytest.mark.django_db
def test_a_pupil_id_that_does_not_exist_is_404_like_one_of_another_school(client, demo_pupils):
    login_as(client, demo_pupils["decaan.vo1"])
    assert client.get(reverse("students:leerling", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_mentor_sees_only_the_pupils_of_their_groups_in_every_list(client, demo_pupils):
    mentor = demo_pupils["mentor.vo1"]
    groups = set(Group.objects.filter(mentor_grants__user=mentor).values_list("name", flat=True))
    assert groups == {"4A", "4B"}
    visible = pupils_visible_to(mentor)
    assert set(visible.values_list("group__name", flat=True)) == {"4A", "4B"}
    assert visible.count() == Pupil.objects.filter(school__code="00AA", group__name__in=["4A", "4B"]).count()

    login_as(client, mentor)
    html = client.get(reverse("students:overzicht")).content.decode()
    listed = client.get(reverse("students:overzicht")).context["rows"]
    assert {row.pupil.group.name for row in listed} == {"4A", "4B"}
    stranger = Pupil.objects.filter(school__code="00AA", group__name="4C").first()
    assert stranger.sort_name not in html
    # Picking another group by hand in the address shows the mentor's own groups instead.
    other = Group.objects.get(school__code="00AA", name="4C")
    rows = client.get(reverse("students:overzicht"), {"groep": other.pk}).context["rows"]
    assert stranger not in [r.pupil for r in rows]
    assert {r.pupil.group.name for r in rows} <= {"4A", "4B"}
    # Not even through a search.
    rows = client.get(reverse("students:overzicht"), {"q": stranger.achternaam}, follow=True).context["rows"]
    assert stranger not in [r.pupil for r in rows]


@pytest.mark.django_db
def test_a_mentor_with_one_group_sees_it_at_once(client, demo_pupils):
    login_as(client, demo_pupils["mentor.vo2"])
    response = client.get(reverse("students:overzicht"))
    assert response.context["selected_group"].name == "4KB"
    assert {r.pupil.group.name for r in response.context["rows"]} == {"4KB"}


@pytest.mark.django_db
def test_unlinking_a_mentor_takes_the_pupils_away(client, demo_pupils):
    from groups.services import set_mentor_links

    mentor = demo_pupils["mentor.vo1"]
    assert pupils_visible_to(mentor).exists()
    set_mentor_links(school=mentor.organisation, links=set())
    assert not pupils_visible_to(mentor).exists()


@pytest.mark.django_db
def test_the_servicedesk_sees_no_pupil_through_the_screens(demo_pupils):
    assert not pupils_visible_to(demo_pupils["servicedesk"]).exists()


@pytest.mark.django_db
def test_an_mbo_school_sees_exactly_the_pupils_who_applied_there(demo_pupils):
    from students.models import Aanmelding

    roc = demo_pupils["roc.mbo1"]
    applied = set(Aanmelding.objects.filter(mbo_school=roc.organisation).values_list("pupil_id", flat=True))
    assert applied and set(pupils_visible_to(roc).values_list("pk", flat=True)) == applied


@pytest.mark.django_db
def test_a_pupil_linked_by_the_servicedesk_is_visible_at_the_second_school(client, demo_pupils):
    pupil = Pupil.objects.filter(school__code="00AA").first()
    decaan2 = demo_pupils["decaan.vo2"]
    assert not pupils_visible_to(decaan2).filter(pk=pupil.pk).exists()
    SchoolLink.objects.create(pupil=pupil, school=decaan2.organisation)
    assert pupils_visible_to(decaan2).filter(pk=pupil.pk).count() == 1
    login_as(client, decaan2)
    assert client.get(reverse("students:leerling", args=[pupil.pk])).status_code == 200
    # ...but it was not entered by that school, so it cannot delete it.
    assert client.get(reverse("students:verwijderen", args=[pupil.pk])).status_code == 403
    # The mentor of the second school does not see it (it is in no group of theirs).
    assert not pupils_visible_to(demo_pupils["mentor.vo2"]).filter(pk=pupil.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_aanmelding_urls_by_role_and_scope(client, demo_pupils, pupils, username):
    from students.models import Aanmelding

    own = Aanmelding.objects.filter(
        pupil__group__name="4A", pupil__school__code="00AA", mbo_school__connected=False
    ).first()
    # Another school's aanmelding, at the other mbo-school: outside every scope of these users.
    other = Aanmelding.objects.filter(pupil__school__code="00BB", mbo_school__code="25BB").first()
    Pupil.objects.filter(pk=own.pupil_id).update(postcode="2517 AB")  # Den Haag
    Pupil.objects.filter(pk=other.pupil_id).update(postcode="2611 AB")  # Delft
    login_as(client, demo_pupils[username])
    status = own.history.first().status
    readers = ("beheerder.vo1", "decaan.vo1", "mentor.vo1", "zorg.vo1", "gemeente.denhaag")
    expected_read = 200 if username in readers else 404
    assert client.get(reverse("students:status", args=[own.pk, status])).status_code == expected_read
    expected_edit = {
        "beheerder.vo1": 200,
        "decaan.vo1": 200,
        "mentor.vo1": 200,
        "zorg.vo1": 403,
        "gemeente.denhaag": 403,
    }.get(username, 404)
    assert client.get(reverse("students:status_bijwerken", args=[own.pk])).status_code == expected_edit
    for name, args in (
        ("students:status", [other.pk, other.history.first().status]),
        ("students:status_bijwerken", [other.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("students:aanmelding_verwijderen", args=[other.pk])).status_code == 404
    assert Aanmelding.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_a_linked_pupil_is_shown_as_linked_under_its_own_choice_not_in_a_group_of_the_first_school(client, demo_pupils):
    pupil = Pupil.objects.filter(school__code="00AA", group__isnull=False).select_related("group", "school").first()
    decaan2 = demo_pupils["decaan.vo2"]
    SchoolLink.objects.create(pupil=pupil, school=decaan2.organisation)
    login_as(client, decaan2)

    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="linked-notice"' in page and f"gekoppeld vanuit {pupil.school.name}" in page
    assert f"?groep={pupil.group.pk}" not in page and "?groep=gekoppeld" in page  # not the first school's group

    overview = client.get(reverse("students:overzicht")).content.decode()
    assert 'value="gekoppeld"' in overview and "Gekoppelde leerlingen" in overview
    assert (
        f"gekoppeld vanuit {pupil.school.name}" in overview
        and pupil.group.name not in overview.split('data-testid="linked-from"')[1].split("</td>")[0]
    )
    linked = client.get(reverse("students:overzicht"), {"groep": "gekoppeld"}).context["rows"]
    assert [row.pupil.pk for row in linked] == [pupil.pk]
    unplaced = client.get(reverse("students:overzicht"), {"groep": "geen"}).context["rows"]
    assert pupil.pk not in [row.pupil.pk for row in unplaced]
    from students.exports import build_exporter

    exported = list(build_exporter(decaan2, {"groep": "gekoppeld"}).iterate_rows())
    assert len(exported) == 1 and f"gekoppeld vanuit {pupil.school.name}" in exported[0]  # Excel and PDF alike

    # The first school sees its own pupil as before: in its group, no notice, no such choice.
    login_as(client, demo_pupils["decaan.vo1"])
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert 'data-testid="linked-notice"' not in page and f"?groep={pupil.group.pk}" in page
    assert 'value="gekoppeld"' not in client.get(reverse("students:overzicht")).content.decode()
