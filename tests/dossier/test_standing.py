"""Doorstroomdossiers: the decaan and the mentor see per pupil where the pupil's own dossier stands (niet gestart,
deel A x %, bij de mentor sinds N dagen, wacht op akkoord sinds N dagen, verstuurd), held too long highlighted; the
mentor filters on "Wacht op mij"; the pupil's page shows the stand too. Only pupils in the user's scope, this school
year, recorded as a list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation
from audit.models import Action, AuditEntry
from dossier.models import DossierState
from groups.services import set_mentor_links
from students.schoolyear import current_school_year
from tests.conftest import login_as
from tests.dossier.helpers import pupil_account
from tests.dossier.states import dossier_in
from tests.factories import GroupFactory, PupilFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/doorstroomdossiers/"


@pytest.fixture
def school(demo) -> Organisation:
    return Organisation.objects.get(code="00AA")


@pytest.fixture
def groups(school, demo):
    a, b = GroupFactory(school=school, name="4A"), GroupFactory(school=school, name="4B")
    set_mentor_links(school=school, links={(a.pk, demo["mentor.vo1"].pk)})
    return a, b


@pytest.fixture
def scene(school, groups, demo):
    """One pupil per stand in 4A, one in 4B at another mentor, and last year's pupil with a dossier."""
    a, b = groups
    mbo = Organisation.objects.get(code="25AA")
    mentor = demo["mentor.vo1"]

    def pupil(name: str, group=a, **kwargs):
        return PupilFactory(school=school, group=group, voornaam=name, achternaam="Leerling", **kwargs)

    pupils = {
        "zonder": pupil("Zonder"),  # no account
        "account": pupil("Account"),  # an account, no dossier
        "deel_a": pupil("Deela"),
        "mentor": pupil("Mentor"),
        "te_lang": pupil("Telang"),
        "akkoord": pupil("Akkoord"),
        "verstuurd": pupil("Verstuurd"),
        "ander": pupil("Ander", group=b),
        "vorig": pupil("Vorig", school_year=current_school_year() - 1),
    }
    pupil_account(pupils["account"])
    dossier_in(DossierState.DEEL_A, pupil=pupils["deel_a"], percent=40, days=2)
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupils["mentor"], mentor=mentor, days=3.5)
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupils["te_lang"], mentor=mentor, days=9.5, reminded_days=1)
    dossier_in(DossierState.AKKOORD, pupil=pupils["akkoord"], days=2)
    dossier_in(DossierState.VERSTUURD, pupil=pupils["verstuurd"], days=5, mbo_school=mbo)
    other_mentor = UserFactory(username="mentor2.vo1", organisation=school, role="mentor", voornaam="Piet")
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupils["ander"], mentor=other_mentor, days=1)
    dossier_in(DossierState.BIJ_MENTOR, pupil=pupils["vorig"], mentor=mentor, days=1)
    return pupils


def rows(response) -> dict[str, list[str]]:
    """Pupil's first name → the stands shown (their text, with the details)."""
    return {
        row.pupil.voornaam: [f"{s.text} | {s.detail} | {'te lang' if s.late else ''}" for s in row.stands]
        for row in response.context["rows"]
    }


def test_the_decaan_sees_where_each_pupils_dossier_stands(client, demo, scene):
    login_as(client, demo["decaan.vo1"])
    response = client.get(URL)
    assert response.status_code == 200
    shown = rows(response)
    assert "Vorig" not in shown  # this school year's pupils only
    assert shown["Zonder"] == ["niet gestart | nog geen account | "]
    assert shown["Account"] == ["niet gestart |  | "]
    assert shown["Deela"][0].startswith("deel A 40% | laatst opgeslagen op ")
    assert shown["Mentor"] == ["bij de mentor Sanne de Vries sinds 3 dagen | Kok, niveau 2 | "]
    assert shown["Telang"][0].startswith("bij de mentor Sanne de Vries sinds 9 dagen | Kok")
    assert "herinnering gestuurd op" in shown["Telang"][0] and shown["Telang"][0].endswith("te lang")
    assert shown["Akkoord"][0].startswith("wacht op akkoord sinds 2 dagen")
    assert shown["Verstuurd"][0].startswith("verstuurd naar MBO1 – ROC Haaglanden-Zuid op ")
    assert shown["Ander"][0].startswith("bij de mentor Piet")
    html = response.content.decode()
    assert html.count('data-testid="stand-late"') == 1 and "langer dan 7 dagen" in html
    chips = {key: count for key, _text, count, _link in response.context["chips"]}
    assert chips == {"": 8, "niet_gestart": 2, "deel_a": 1, "bij_mentor": 3, "akkoord": 1, "verstuurd": 1}
    assert response.context["mine"] is None  # "Wacht op mij" is the mentor's
    # How long each step took, over the dossiers that finished it (the scene's: four went to a mentor, one came back).
    waiting = {w.key: w.count for w in response.context["waiting"]}
    assert waiting["deel_a"] >= 4 and waiting["mentor"] >= 1
    assert 'data-testid="waiting-times"' in html and "Hoe lang duurt elke stap" in html

    # The list is recorded as a list of exactly these pupils.
    entry = AuditEntry.objects.filter(action=Action.LIST, summary__startswith="doorstroomdossiers").latest("pk")
    assert (
        entry.count == 8
        and f" {scene['te_lang'].pk} " in entry.subjects
        and str(scene["vorig"].pk) not in entry.subjects
    )


def test_filters_by_group_and_by_stand(client, demo, scene, groups):
    login_as(client, demo["decaan.vo1"])
    assert set(rows(client.get(URL, {"groep": groups[1].pk}))) == {"Ander"}
    assert set(rows(client.get(URL, {"stand": "niet_gestart"}))) == {"Zonder", "Account"}
    assert set(rows(client.get(URL, {"stand": "bij_mentor", "groep": groups[0].pk}))) == {"Mentor", "Telang"}
    assert set(rows(client.get(URL, {"stand": "mij"}))) == set(rows(client.get(URL)))  # not the decaan's filter


def test_the_mentor_sees_their_groups_and_what_waits_for_them(client, demo, scene):
    login_as(client, demo["mentor.vo1"])
    response = client.get(URL)
    assert "Ander" not in rows(response) and "Telang" in rows(response)  # 4B is not their group
    assert response.context["mine"][0] == 2
    waiting = client.get(URL, {"stand": "mij"})
    assert set(rows(waiting)) == {"Mentor", "Telang"}
    assert 'data-testid="waiting-for-me"' in waiting.content.decode()
    # A dossier at another mentor does not wait for this one, even in their own group.
    scene_dossier = scene["mentor"].account.dossiers.get()
    scene_dossier.mentor = UserFactory(username="mentor3.vo1", organisation=scene_dossier.account.pupil.school)
    scene_dossier.save()
    assert set(rows(client.get(URL, {"stand": "mij"}))) == {"Telang"}


def test_the_zorgcoordinator_reads_it_and_others_do_not_reach_it(client, demo, scene):
    login_as(client, demo["zorg.vo1"])
    assert "Telang" in rows(client.get(URL))
    for username, status in (("gemeente.denhaag", 403), ("roc.mbo1", 403), ("decaan.vo2", 200)):
        login_as(client, demo[username])
        response = client.get(URL)
        assert response.status_code == status
        if status == 200:
            assert rows(response) == {}  # another school's decaan sees none of these pupils


def test_the_list_comes_in_pages(client, demo, school, groups):
    for n in range(55):
        PupilFactory(school=school, group=groups[0], achternaam=f"Veel{n:02d}")
    login_as(client, demo["decaan.vo1"])
    first = client.get(URL)
    assert len(first.context["rows"]) == 50 and 'data-testid="pagination"' in first.content.decode()
    assert len(client.get(URL, {"pagina": 2}).context["rows"]) == 5


def test_the_pupils_page_shows_the_stand_and_links_to_the_list(client, demo, scene):
    login_as(client, demo["mentor.vo1"])
    page = client.get(reverse("students:leerling", args=[scene["te_lang"].pk])).content.decode()
    assert 'data-testid="pupil-dossier-state"' in page and "bij de mentor Sanne de Vries sinds 9 dagen" in page
    assert 'data-testid="stand-late"' in page
    assert f'href="{URL}?groep={scene["te_lang"].group_id}"' in page
    page = client.get(reverse("students:leerling", args=[scene["zonder"].pk])).content.decode()
    assert 'data-testid="pupil-dossier-state"' in page and "niet gestart" in page


def test_the_limit_comes_from_the_setting(client, demo, scene, settings):
    settings.VOROC_DOSSIER_REMINDER_DAYS = 3
    login_as(client, demo["decaan.vo1"])
    response = client.get(URL)
    late = {name for name, stands in rows(response).items() if any(s.endswith("te lang") for s in stands)}
    assert late == {"Telang", "Mentor"}  # 9 and 3.5 days; part A and the akkoord of 2 days are not
    assert "langer dan 3 dagen" in response.content.decode()


def test_how_long_each_step_takes_is_the_median_over_the_dossiers_that_finished_it():
    import datetime as dt

    from dossier.standing import waiting_times

    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)

    def day(n):
        return start + dt.timedelta(days=n)

    rows = [
        (start, day(18), day(25), day(25), day(32)),  # the seed's 18 + 7 + 7 days
        (start, day(10), day(13), day(13), None),  # waiting for the akkoord: not counted there yet
        (start, None, None, day(6), day(8)),  # no mentor's part: part A until the akkoordverklaring
        (start, None, None, None, None),  # still part A
    ]
    by_key = {w.key: w for w in waiting_times(rows)}
    assert (by_key["deel_a"].median, by_key["deel_a"].count) == (10.0, 3)
    assert (by_key["mentor"].median, by_key["mentor"].count) == (5.0, 2)
    assert (by_key["akkoord"].median, by_key["akkoord"].count) == (4.5, 2)
    assert [w.median for w in waiting_times([])] == [None, None, None]


def test_a_step_never_takes_negative_days():
    import datetime as dt

    from dossier.standing import waiting_times

    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    earlier = start - dt.timedelta(days=3)  # a date set by hand before the dossier was made
    assert waiting_times([(start, earlier, None, None, None)])[0].median == 0.0
