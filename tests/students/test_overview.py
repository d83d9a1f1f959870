"""Leerling overzicht: groups, search, sorting, edit by clicking the name, delete, and a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from students.aanmeldingen import add_aanmelding, record_elders, record_status
from students.listing import PAGE_ORPHANS, PAGE_SIZE
from students.models import EldersKind, Pupil, Source, Status
from tests.conftest import session_queries
from tests.factories import (
    CaseFactory,
    GroupFactory,
    OpleidingFactory,
    OrganisationFactory,
    PupilFactory,
    RemarkFactory,
)

OVERVIEW = reverse("students:overzicht")


def names(response) -> list[str]:
    return [row.pupil.achternaam for row in response.context["rows"]]


@pytest.fixture
def school(decaan):
    return decaan.organisation


@pytest.mark.django_db
def test_pick_a_group_all_groups_or_niet_ingedeeld(decaan_client, school):
    a, b = GroupFactory(school=school, name="4A"), GroupFactory(school=school, name="4B")
    PupilFactory(school=school, group=a, achternaam="Aa")
    PupilFactory(school=school, group=b, achternaam="Bb")
    PupilFactory(school=school, group=None, achternaam="Cc")
    PupilFactory(school=OrganisationFactory(), achternaam="Vreemd")
    assert names(decaan_client.get(OVERVIEW)) == ["Aa", "Bb", "Cc"]
    assert names(decaan_client.get(OVERVIEW, {"groep": a.pk})) == ["Aa"]
    assert names(decaan_client.get(OVERVIEW, {"groep": "geen"})) == ["Cc"]
    html = decaan_client.get(OVERVIEW).content.decode()
    assert "Alle groepen" in html and ">4A</option>" in html and "Niet ingedeeld" in html


@pytest.mark.django_db
def test_search_by_name_and_sort_by_name_and_group(decaan_client, school):
    a, b = GroupFactory(school=school, name="4A"), GroupFactory(school=school, name="4B")
    PupilFactory(school=school, group=b, voornaam="Sem", tussenvoegsel="de", achternaam="Vries")
    PupilFactory(school=school, group=a, voornaam="Emma", achternaam="Yilmaz")
    PupilFactory(school=school, group=None, voornaam="Noah", achternaam="Bakker")
    assert names(decaan_client.get(OVERVIEW, {"q": "sem de VR"}, follow=True)) == ["Vries"]
    assert names(decaan_client.get(OVERVIEW, {"q": "emma"}, follow=True)) == ["Yilmaz"]
    assert names(decaan_client.get(OVERVIEW, {"q": "niemand"}, follow=True)) == []
    assert "Geen leerlingen gevonden" in decaan_client.get(OVERVIEW, {"q": "niemand"}, follow=True).content.decode()
    assert names(decaan_client.get(OVERVIEW, {"sort": "naam"})) == ["Bakker", "Vries", "Yilmaz"]
    assert names(decaan_client.get(OVERVIEW, {"sort": "-naam"})) == ["Yilmaz", "Vries", "Bakker"]
    assert names(decaan_client.get(OVERVIEW, {"sort": "groep"})) == ["Yilmaz", "Vries", "Bakker"]  # none last
    assert names(decaan_client.get(OVERVIEW, {"sort": "-groep"})) == ["Vries", "Yilmaz", "Bakker"]
    # The sort links keep the chosen group and search.
    response = decaan_client.get(OVERVIEW, {"groep": a.pk, "q": "emma"}, follow=True)
    links = response.context["sort_links"]
    token = response.context["listing"].search_token
    assert f"groep={a.pk}" in links["naam"] and f"zoek={token}" in links["naam"] and "sort=-naam" in links["naam"]
    assert "emma" not in links["naam"]  # the name searched for stays out of the address


@pytest.mark.django_db
def test_only_this_school_year_is_listed(decaan_client, school):
    PupilFactory(school=school, achternaam="Nu")
    PupilFactory(school=school, achternaam="Vorig", school_year=2020)
    assert names(decaan_client.get(OVERVIEW)) == ["Nu"]


@pytest.mark.django_db
def test_the_name_opens_leerlinggegevens_and_saving_changes_them(decaan_client, school):
    group = GroupFactory(school=school, name="4A")
    pupil = PupilFactory(school=school, voornaam="Sem", achternaam="Jansen")
    response = decaan_client.get(OVERVIEW, {"q": "sem"}, follow=True)
    html = response.content.decode()
    edit_url = reverse("students:bewerken", args=[pupil.pk])
    token = response.context["listing"].search_token
    back = f"%2Fleerlingen%2F%3Fzoek%3D{token}"  # the overview as it was: with the search (as its token)
    assert f'href="{edit_url}?terug={back}" data-voroc-modal' in html
    form = decaan_client.get(edit_url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="Jansen"' in form and "Niet ingedeeld" in form
    data = {
        "voornaam": "Sem",
        "achternaam": "Janssen",
        "geboortedatum": "2010-05-17",
        "geslacht": "m",
        "email": "sem@example.com",
        "telefoon": "0612345678",
        "straat": "Spui",
        "huisnummer": "1",
        "postcode": "2511 bl",
        "woonplaats": "Den Haag",
        "group": group.pk,
    }
    response = decaan_client.post(f"{edit_url}?terug={back}", data, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/leerlingen/?zoek=" + token
    # A link to another site is no place to go back to.
    evil = decaan_client.post(f"{edit_url}?terug=https%3A%2F%2Fevil.example%2F", data, headers={"HX-Request": "true"})
    assert evil.headers["HX-Redirect"] == OVERVIEW
    pupil.refresh_from_db()
    assert (pupil.achternaam, pupil.postcode, pupil.group) == ("Janssen", "2511 BL", group)
    # An error keeps the pop-up open with the message, and changes nothing.
    bad = decaan_client.post(edit_url, {**data, "postcode": "25"}, headers={"HX-Request": "true"})
    assert "Vul een Nederlandse postcode in" in bad.content.decode()
    pupil.refresh_from_db()
    assert pupil.postcode == "2511 BL"


@pytest.mark.django_db
def test_a_group_of_another_school_cannot_be_chosen(decaan_client, school):
    pupil = PupilFactory(school=school)
    foreign = GroupFactory(school=OrganisationFactory())
    data = {f: getattr(pupil, f) for f in ("voornaam", "achternaam", "geslacht", "email", "telefoon", "straat")}
    data |= {"geboortedatum": "2010-05-17", "huisnummer": 3, "postcode": "2511 BL", "woonplaats": "Den Haag"}
    response = decaan_client.post(reverse("students:bewerken", args=[pupil.pk]), {**data, "group": foreign.pk})
    assert response.status_code == 200 and response.context["form"].errors["group"]
    pupil.refresh_from_db()
    assert pupil.group is None


@pytest.mark.django_db
def test_delete_only_own_pupils_with_confirmation(decaan_client, school, demo):
    own = PupilFactory(school=school, voornaam="Eigen")
    by_servicedesk = PupilFactory(school=school, source=Source.SERVICEDESK, voornaam="Servicedesk")
    imported = PupilFactory(school=school, source=Source.IMPORT)
    elsewhere = PupilFactory(school=OrganisationFactory())

    html = decaan_client.get(OVERVIEW).content.decode()
    assert reverse("students:verwijderen", args=[own.pk]) in html
    assert reverse("students:verwijderen", args=[by_servicedesk.pk]) not in html
    assert reverse("students:verwijderen", args=[imported.pk]) not in html

    confirm = decaan_client.get(reverse("students:verwijderen", args=[own.pk]), headers={"HX-Request": "true"})
    assert "Ja, verwijderen" in confirm.content.decode()
    assert Pupil.objects.filter(pk=own.pk).exists()  # asking is not deleting
    response = decaan_client.post(reverse("students:verwijderen", args=[own.pk]), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == OVERVIEW
    assert not Pupil.objects.filter(pk=own.pk).exists()

    assert decaan_client.post(reverse("students:verwijderen", args=[by_servicedesk.pk])).status_code == 403
    assert decaan_client.post(reverse("students:verwijderen", args=[imported.pk])).status_code == 403
    assert decaan_client.post(reverse("students:verwijderen", args=[elsewhere.pk])).status_code == 404
    assert Pupil.objects.filter(pk__in=[by_servicedesk.pk, imported.pk, elsewhere.pk]).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["decaan.vo1", "mentor.vo1"])
def test_the_overview_keeps_a_fixed_number_of_queries(client, demo, django_assert_num_queries, username):
    from groups.services import set_mentor_links

    user = demo[username]
    school = user.organisation
    groups = [GroupFactory(school=school) for _ in range(3)]
    set_mentor_links(school=school, links={(g.pk, demo["mentor.vo1"].pk) for g in groups})
    client.force_login(user)

    opleidingen = [OpleidingFactory(), OpleidingFactory()]

    def add(count):
        for n in range(count):
            extra = {"bsn": None} if n % 7 == 0 else {}  # some without BSN
            pupil = PupilFactory(school=school, group=groups[n % 4] if n % 4 < 3 else None, **extra)
            for opleiding in opleidingen[: n % 3]:  # none, one or two aanmeldingen with their history
                aanmelding = add_aanmelding(pupil=pupil, opleiding=opleiding)
                record_status(aanmelding=aanmelding, status=Status.INTAKE, at=timezone.now(), source="hand")
            if n % 5 == 0:
                record_elders(pupil=pupil, kind=EldersKind.WERK, date=datetime.date(2026, 6, 1))
            if n % 6 == 0:  # reported to the gemeente, with a remark of the gemeente
                CaseFactory(pupil=pupil)
                RemarkFactory(pupil=pupil)

    add(10)
    client.get(OVERVIEW)  # warm up (content types, permission caches)
    # (session,) user, organisation (header), groups for the selector, pupils with their group,
    # their aanmeldingen (with opleiding and mbo-school), the status history, their Elders,
    # the gemeente's reports and remarks (De Overstap icon, remarks icon),
    # the audit log's line for the pupils shown (one insert, whatever their number); for the decaan also whether
    # the school follows pupils of another school (the choice "Gekoppelde leerlingen"; a mentor's groups hold none).
    expected = session_queries() + 10 + (username == "decaan.vo1")
    with django_assert_num_queries(expected):
        small = client.get(OVERVIEW)
    add(190)
    with django_assert_num_queries(expected):
        large = client.get(OVERVIEW)
    with django_assert_num_queries(expected):  # the last page: the same queries
        last = client.get(OVERVIEW, {"pagina": "999"})  # out of range: the last page
    assert len(small.context["rows"]) == small.context["page"].paginator.count <= 10
    assert len(large.context["rows"]) == PAGE_SIZE
    in_groups = Pupil.objects.filter(group__isnull=False).count()
    listed = 200 if username == "decaan.vo1" else in_groups
    assert large.context["page"].paginator.count == listed and in_groups < 200
    on_last = listed - PAGE_SIZE * (last.context["page"].number - 1)
    assert last.context["page"].number > 1 and len(last.context["rows"]) == on_last <= PAGE_SIZE + PAGE_ORPHANS


@pytest.mark.django_db
def test_a_zorgcoordinator_reads_but_the_name_does_not_open_an_edit_form(client, demo):
    zorg = demo["zorg.vo1"]
    pupil = PupilFactory(school=zorg.organisation)
    client.force_login(zorg)
    html = client.get(OVERVIEW).content.decode()
    assert reverse("students:bewerken", args=[pupil.pk]) not in html
    assert f'href="{reverse("students:leerling", args=[pupil.pk])}" class="fw-semibold"' in html
    assert client.get(reverse("students:bewerken", args=[pupil.pk])).status_code == 403
    page = client.get(reverse("students:leerling", args=[pupil.pk])).content.decode()
    assert "Gegevens bewerken" not in page and "Verwijderen" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["daniel ozturk", "Öztürk, Daniël", "OZTURK", "dan öz"])
def test_search_ignores_accents_case_and_the_comma_of_the_list(decaan_client, school, query):
    PupilFactory(school=school, voornaam="Daniël", achternaam="Öztürk")
    PupilFactory(school=school, voornaam="Dana", achternaam="Aydın")
    assert names(decaan_client.get(OVERVIEW, {"q": query}, follow=True)) == ["Öztürk"]
    assert names(decaan_client.get(OVERVIEW, {"q": "aydin"}, follow=True)) == ["Aydın"]


@pytest.mark.django_db
def test_a_pupil_added_from_a_group_lands_in_that_group(decaan_client, school):
    group = GroupFactory(school=school, name="4A")
    html = decaan_client.get(OVERVIEW, {"groep": group.pk}).content.decode()
    assert f"{reverse('students:toevoegen')}?groep={group.pk}" in html
    step = decaan_client.post(
        reverse("students:toevoegen"), {"stap": "bsn", "bsn": "111222333", "groep_keuze": group.pk}
    )
    assert step.context["form"].fields["group"].initial == group
    from tests.students.test_add_pupil import DATA

    decaan_client.post(
        reverse("students:toevoegen"), {"stap": "gegevens", "bsn": "111222333", **DATA, "group": group.pk}
    )
    assert Pupil.objects.get().group == group


@pytest.mark.django_db
def test_the_flag_icons_differ_by_shape_and_are_read_out(decaan_client, vo1):
    """Diploma behaald / niet behaald / onbekend and extra aandacht yes / no: each state has its own shape (a filled
    or outline icon, a check or a cross), not only its own colour, and words a screen reader reads."""
    import re

    states = {"Behaald": (True, True), "Gezakt": (False, False), "Onbekend": (None, False)}
    for name, (diploma, aandacht) in states.items():
        PupilFactory(school=vo1, achternaam=name, diploma=diploma, extra_aandacht="Dyslexie" if aandacht else "")
    html = decaan_client.get(OVERVIEW).content.decode()
    rows = {
        name: next(r for r in html.split('data-testid="pupil-row"')[1:] if name in r.split("</tr>")[0])
        for name in states
    }
    rows = {name: row.split("</tr>")[0] for name, row in rows.items()}

    def shapes(row: str) -> set[str]:
        return {
            c
            for c in re.findall(r'class="bi (bi-[a-z-]+)', row)
            if "mortarboard" in c or c in ("bi-check-lg", "bi-x-lg") or "exclamation" in c
        }

    def words(row: str) -> str:
        return " ".join(re.findall(r'<span class="visually-hidden">([^<]+)</span>', row))

    assert shapes(rows["Behaald"]) >= {"bi-mortarboard-fill", "bi-check-lg", "bi-exclamation-circle-fill"}
    assert shapes(rows["Gezakt"]) >= {"bi-mortarboard", "bi-x-lg", "bi-exclamation-circle"}
    assert "bi-check-lg" not in shapes(rows["Onbekend"]) and "bi-x-lg" not in shapes(rows["Onbekend"])
    assert "vmbo-diploma behaald" in words(rows["Behaald"]) and "Extra aandacht onderwijskeuzeproces" in words(
        rows["Behaald"]
    )
    assert "vmbo-diploma niet behaald" in words(rows["Gezakt"]) and "Geen extra aandacht gevraagd" in words(
        rows["Gezakt"]
    )
    assert "vmbo-diploma: nog niet bekend" in words(rows["Onbekend"])


@pytest.mark.django_db
def test_a_long_list_comes_in_pages_that_keep_the_choices_and_record_what_was_shown(decaan_client, school):
    from audit.models import Action, AuditEntry

    group = GroupFactory(school=school, name="4A")
    pupils = [
        PupilFactory(school=school, group=group, achternaam=f"Naam{n:03d}") for n in range(PAGE_SIZE + PAGE_ORPHANS + 5)
    ]
    PupilFactory(school=school, group=None, achternaam="Zonder groep")
    first = decaan_client.get(OVERVIEW, {"groep": group.pk, "sort": "-naam"})
    html = first.content.decode()
    expected = sorted((p.achternaam for p in pupils), reverse=True)
    assert names(first) == expected[:PAGE_SIZE]
    # The count is of the whole list; the page links keep the group and the sorting.
    assert f"{len(pupils)} leerlingen" in html
    assert f"1–{PAGE_SIZE} van {len(pupils)}" in html
    assert f'href="?groep={group.pk}&amp;sort=-naam&amp;pagina=2" data-testid="next-page"' in html
    entries = AuditEntry.objects.filter(action=Action.LIST).order_by("pk")
    shown = entries.last()
    assert shown.count == PAGE_SIZE and "pagina 1 van 2" in shown.summary
    second = decaan_client.get(OVERVIEW, {"groep": group.pk, "sort": "-naam", "pagina": "2"})
    assert names(second) == expected[PAGE_SIZE:]
    assert 'data-testid="previous-page"' in second.content.decode()
    assert entries.last().count == len(pupils) - PAGE_SIZE and "pagina 2 van 2" in entries.last().summary
    # Nonsense or out of range: the first or the last page, never an error.
    assert (
        names(decaan_client.get(OVERVIEW, {"groep": group.pk, "sort": "-naam", "pagina": "x"})) == expected[:PAGE_SIZE]
    )
    assert (
        names(decaan_client.get(OVERVIEW, {"groep": group.pk, "sort": "-naam", "pagina": "-3"})) == expected[PAGE_SIZE:]
    )
    # A list of up to PAGE_SIZE + PAGE_ORPHANS pupils (a mentor's two groups) is one page, without page links.
    Pupil.objects.filter(pk__in=[p.pk for p in pupils[: PAGE_SIZE + PAGE_ORPHANS]]).update(diploma=True)
    small = decaan_client.get(OVERVIEW, {"groep": group.pk, "diploma": "ja"})
    assert len(small.context["rows"]) == PAGE_SIZE + PAGE_ORPHANS
    assert 'data-testid="pagination"' not in small.content.decode()
