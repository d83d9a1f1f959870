"""Tab Groepen: create, rename, delete, place pupils, link mentors (a django-guardian grant)."""

import pytest
from django.urls import reverse
from guardian.core import ObjectPermissionChecker

from accounts.models import Role
from groups.models import MENTOR_PERMISSION, Group, MentorGrant
from students.models import Pupil
from tests.conftest import session_queries
from tests.factories import GroupFactory, OrganisationFactory, PupilFactory, UserFactory

INDEX = reverse("groups:index")
HX = {"HX-Request": "true"}


@pytest.fixture
def school(decaan):
    return decaan.organisation


@pytest.mark.django_db
def test_create_group_in_a_pop_up(decaan_client, school):
    form = decaan_client.get(reverse("groups:create"), headers=HX).content.decode()
    assert "Maak groep aan" in form and 'name="name"' in form
    response = decaan_client.post(reverse("groups:create"), {"name": "  Havo  "}, headers=HX)
    group = Group.objects.get(school=school)
    assert group.name == "Havo"
    assert response.headers["HX-Redirect"] == f"{INDEX}?groep={group.pk}"
    page = decaan_client.get(response.headers["HX-Redirect"]).content.decode()
    assert "De groep Havo is aangemaakt." in page and "Groep Havo" in page


@pytest.mark.django_db
def test_group_names_are_required_and_unique_per_school_whatever_the_case(decaan_client, school):
    GroupFactory(school=school, name="4A")
    GroupFactory(school=OrganisationFactory(), name="4B")  # another school's name is no conflict
    taken = decaan_client.post(reverse("groups:create"), {"name": "4a"}, headers=HX)
    assert "Uw school heeft al een groep met deze naam." in taken.content.decode()
    empty = decaan_client.post(reverse("groups:create"), {"name": " "}, headers=HX)
    assert "Vul een groepsnaam in." in empty.content.decode()
    decaan_client.post(reverse("groups:create"), {"name": "4B"}, headers=HX)
    assert sorted(Group.objects.filter(school=school).values_list("name", flat=True)) == ["4A", "4B"]


@pytest.mark.django_db
def test_rename_and_cancel(decaan_client, school):
    group = GroupFactory(school=school, name="4A")
    GroupFactory(school=school, name="4B")
    url = reverse("groups:rename", args=[group.pk])
    assert 'value="4A"' in decaan_client.get(url, headers=HX).content.decode()  # opening changes nothing
    assert "al een groep" in decaan_client.post(url, {"name": "4b"}, headers=HX).content.decode()
    group.refresh_from_db()
    assert group.name == "4A"
    decaan_client.post(url, {"name": "4A-kader"}, headers=HX)
    group.refresh_from_db()
    assert group.name == "4A-kader"


@pytest.mark.django_db
def test_delete_group_after_confirmation_its_pupils_become_niet_ingedeeld(decaan_client, school):
    group = GroupFactory(school=school, name="4A")
    pupils = [PupilFactory(school=school, group=group) for _ in range(3)]
    confirm = decaan_client.get(reverse("groups:delete", args=[group.pk]), headers=HX).content.decode()
    assert "Ja, verwijderen" in confirm and "3 leerlingen" in confirm
    assert Group.objects.filter(pk=group.pk).exists()
    response = decaan_client.post(reverse("groups:delete", args=[group.pk]), headers=HX)
    assert response.headers["HX-Redirect"] == INDEX
    assert not Group.objects.filter(pk=group.pk).exists()
    assert Pupil.objects.filter(pk__in=[p.pk for p in pupils], group__isnull=True).count() == 3


@pytest.mark.django_db
def test_place_niet_ingedeelde_pupils_with_checkboxes_on_opslaan(decaan_client, school):
    group = GroupFactory(school=school, name="4A")
    other = GroupFactory(school=school, name="4B")
    free = [PupilFactory(school=school, achternaam=f"Vrij{n}") for n in range(3)]
    member = PupilFactory(school=school, group=group, achternaam="Lid")
    elsewhere = PupilFactory(school=school, group=other, achternaam="Elders")
    page = decaan_client.get(INDEX, {"groep": group.pk})
    assert [p.achternaam for p in page.context["unplaced"]] == ["Vrij0", "Vrij1", "Vrij2"]
    assert [p.achternaam for p in page.context["in_group"]] == ["Lid"]
    assert "Elders" not in page.content.decode()

    shown = [p.pk for p in [*free, member]]
    # Tick two free pupils, untick the member: on Opslaan, two in, one out.
    response = decaan_client.post(
        reverse("groups:members", args=[group.pk]), {"shown": shown, "members": [free[0].pk, free[2].pk]}
    )
    assert response.status_code == 302
    assert set(group.pupils.values_list("achternaam", flat=True)) == {"Vrij0", "Vrij2"}
    member.refresh_from_db()
    elsewhere.refresh_from_db()
    assert member.group is None and elsewhere.group == other
    follow = decaan_client.get(response.url).content.decode()
    assert "2 leerlingen in 4A geplaatst, 1 uit de groep gehaald" in follow


@pytest.mark.django_db
def test_placing_touches_only_the_pupils_shown_and_of_the_own_school(decaan_client, school):
    group = GroupFactory(school=school)
    foreign = PupilFactory(school=OrganisationFactory())
    other_group = GroupFactory(school=school)
    moved_meanwhile = PupilFactory(school=school, group=other_group)
    decaan_client.post(
        reverse("groups:members", args=[group.pk]),
        {"shown": [foreign.pk, moved_meanwhile.pk], "members": [foreign.pk, moved_meanwhile.pk]},
    )
    foreign.refresh_from_db()
    moved_meanwhile.refresh_from_db()
    assert foreign.group is None and moved_meanwhile.group == other_group


@pytest.mark.django_db
def test_link_mentors_many_to_many_as_guardian_grants(decaan_client, school, demo):
    a, b = GroupFactory(school=school, name="4A"), GroupFactory(school=school, name="4B")
    mentor = demo["mentor.vo1"]
    second = UserFactory(organisation=school, role=Role.MENTOR, voornaam="Tweede")
    other_school_mentor = demo["mentor.vo2"]
    form = decaan_client.get(reverse("groups:mentors"), headers=HX)
    html = form.content.decode()
    offered = {m.pk for m in form.context["form"].mentors}
    assert offered == {mentor.pk, second.pk}  # only mentors, only of this school
    assert demo["zorg.vo1"].full_name not in html and demo["decaan.vo1"].full_name not in html

    links = [f"{a.pk}:{mentor.pk}", f"{b.pk}:{mentor.pk}", f"{a.pk}:{second.pk}"]
    # A mentor of another school cannot be slipped in: the whole form is refused, nothing changes.
    refused = decaan_client.post(reverse("groups:mentors"), {"links": [*links, f"{a.pk}:{other_school_mentor.pk}"]})
    assert refused.status_code == 200 and refused.context["form"].errors["links"]
    assert MentorGrant.objects.count() == 0
    decaan_client.post(reverse("groups:mentors"), {"links": links})
    for user, group, expected in [
        (mentor, a, True),
        (mentor, b, True),
        (second, a, True),
        (second, b, False),
        (other_school_mentor, a, False),
    ]:
        assert ObjectPermissionChecker(user).has_perm(MENTOR_PERMISSION.split(".")[1], group) is expected
        assert user.has_perm(MENTOR_PERMISSION, group) is expected
    assert MentorGrant.objects.count() == 3

    # Unticking removes a link; what is not in the form does not survive "Opslaan".
    decaan_client.post(reverse("groups:mentors"), {"links": [f"{b.pk}:{mentor.pk}"]})
    assert set(MentorGrant.objects.values_list("content_object__name", "user__username")) == {("4B", "mentor.vo1")}


@pytest.mark.django_db
def test_the_groups_page_shows_counts_and_mentors_in_a_fixed_number_of_queries(
    decaan_client, school, demo, django_assert_num_queries
):
    from groups.services import set_mentor_links

    groups = [GroupFactory(school=school) for _ in range(2)]
    for n in range(6):
        PupilFactory(school=school, group=groups[n % 2])
    set_mentor_links(school=school, links={(g.pk, demo["mentor.vo1"].pk) for g in groups})
    decaan_client.get(INDEX)
    # (session,) user, organisation, groups with counts, their mentor grants with users, unplaced count, mentors
    expected = session_queries() + 6
    with django_assert_num_queries(expected):
        small = decaan_client.get(INDEX)
    groups += [GroupFactory(school=school) for _ in range(5)]
    set_mentor_links(school=school, links={(g.pk, demo["mentor.vo1"].pk) for g in groups})
    with django_assert_num_queries(expected):
        large = decaan_client.get(INDEX)
    assert len(large.context["groups"]) == 7 > len(small.context["groups"])
    assert "geen mentor gekoppeld" not in large.content.decode()
    assert large.content.decode().count("Mentor") >= 1


@pytest.mark.django_db
def test_another_schools_group_is_404_and_mentors_zorg_have_no_groepen_tab(client, demo):
    foreign = GroupFactory(school=OrganisationFactory())
    client.force_login(demo["decaan.vo1"])
    for name in ("groups:rename", "groups:delete", "groups:members"):
        assert client.post(reverse(name, args=[foreign.pk]), {"name": "x"}).status_code == 404
    assert Group.objects.filter(pk=foreign.pk, name=foreign.name).exists()
    for username in ("mentor.vo1", "zorg.vo1"):
        client.force_login(demo[username])
        assert client.get(INDEX).status_code == 403


@pytest.mark.django_db
def test_a_stale_rename_page_is_refused_and_keeps_what_was_typed(demo, school):
    """Two decanen rename the same group: the page opened before the other's rename does not overwrite it."""
    import re

    from django.test import Client

    from tests.conftest import login_as

    group = GroupFactory(school=school, name="4A")
    first, second = Client(), Client()
    login_as(first, demo["decaan.vo1"])
    login_as(second, demo["beheerder.vo1"])
    url = reverse("groups:rename", args=[group.pk])

    def versie(client) -> dict:
        found = re.search(r'name="versie" value="([^"]+)"', client.get(url, headers=HX).content.decode())
        return {"versie": found.group(1)} if found else {}

    page_first, page_second = versie(first), versie(second)
    second.post(url, {**page_second, "name": "4A-kader"}, headers=HX)
    page = first.post(url, {**page_first, "name": "4A-gemengd"}, headers=HX).content.decode()
    assert "Iemand anders heeft deze gegevens gewijzigd sinds u de pagina opende" in page
    assert "de groep heet nu “4A-kader”" in page and 'value="4A-gemengd"' in page
    group.refresh_from_db()
    assert group.name == "4A-kader"


def _form_fields(html: str, form_testid: str) -> dict[str, list[str]]:
    """The values a form on the page would post (hidden fields and ticked boxes), by name."""
    import re

    form = html.split(f'data-testid="{form_testid}"', 1)[1].split("</form>", 1)[0]
    posted: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or not value or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) == "checkbox" and "checked" not in tag:
            continue
        posted.setdefault(name.group(1), []).append(value.group(1))
    return posted


@pytest.mark.django_db
def test_two_decanen_placing_pupils_at_once_keep_each_others_changes(client, decaan_client, demo, school):
    """A opens group 4A; B then places Bas in it and takes Lid out; A saves with one pupil of its own ticked:
    Bas stays in and Lid stays out (A touched neither), and A's pupil is placed."""
    from tests.conftest import login_as

    group = GroupFactory(school=school, name="4A")
    bas, anna = (PupilFactory(school=school, achternaam=name) for name in ("Bas", "Anna"))
    lid = PupilFactory(school=school, group=group, achternaam="Lid")
    a_page = _form_fields(decaan_client.get(INDEX, {"groep": group.pk}).content.decode(), "members-form")

    login_as(client, demo["beheerder.vo1"])  # B, in another browser
    b_page = _form_fields(client.get(INDEX, {"groep": group.pk}).content.decode(), "members-form")
    client.post(reverse("groups:members", args=[group.pk]), {**b_page, "members": [str(bas.pk)]})
    assert set(group.pupils.values_list("achternaam", flat=True)) == {"Bas"}

    a_page["members"] = [*a_page.get("members", []), str(anna.pk)]  # A ticks Anna; Lid still ticked on A's page
    decaan_client.post(reverse("groups:members", args=[group.pk]), a_page)
    assert set(group.pupils.values_list("achternaam", flat=True)) == {"Bas", "Anna"}
    lid.refresh_from_db()
    assert lid.group is None  # B took Lid out; A's page, opened before, does not put Lid back


@pytest.mark.django_db
def test_two_decanen_linking_mentors_at_once_keep_each_others_changes(client, decaan_client, demo, school):
    from tests.conftest import login_as

    group_a, group_b = GroupFactory(school=school, name="4A"), GroupFactory(school=school, name="4B")
    mentor = demo["mentor.vo1"]
    MentorGrant.objects.filter(content_object__school=school).delete()
    url = reverse("groups:mentors")
    a_page = _form_fields(decaan_client.get(url).content.decode(), "mentor-links-form")

    login_as(client, demo["beheerder.vo1"])
    b_page = _form_fields(client.get(url).content.decode(), "mentor-links-form")
    client.post(url, {**b_page, "links": [f"{group_b.pk}:{mentor.pk}"]})  # B links the mentor to 4B

    decaan_client.post(url, {**a_page, "links": [f"{group_a.pk}:{mentor.pk}"]})  # A, on the older page, to 4A
    linked = set(MentorGrant.objects.filter(user=mentor).values_list("content_object__name", flat=True))
    assert linked == {"4A", "4B"}

    # Unticking on a fresh page still takes a link away.
    fresh = _form_fields(decaan_client.get(url).content.decode(), "mentor-links-form")
    fresh["links"] = [f"{group_a.pk}:{mentor.pk}"]
    decaan_client.post(url, fresh)
    assert set(MentorGrant.objects.filter(user=mentor).values_list("content_object__name", flat=True)) == {"4A"}
