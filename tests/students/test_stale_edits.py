"""Two people edit the same pupil data: the second save from a page opened before the first save is refused
with a message, keeps what its user typed, and writes nothing (accounts/versions.py)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from groups.services import set_mentor_links
from students.models import Pupil
from tests.conftest import login_as
from tests.factories import GroupFactory, PupilFactory

STALE = "Iemand anders heeft deze gegevens gewijzigd sinds u de pagina opende"


@pytest.fixture
def pupil(demo):
    school = Organisation.objects.get(code="00AA")
    group = GroupFactory(school=school, name="4A")
    set_mentor_links(school=school, links={(group.pk, demo["mentor.vo1"].pk)})
    return PupilFactory(school=school, group=group, voornaam="Sem", achternaam="Jansen", woonplaats="Delft")


@pytest.fixture
def two(demo):
    decaan, mentor = Client(), Client()
    login_as(decaan, demo["decaan.vo1"])
    login_as(mentor, demo["mentor.vo1"])
    return decaan, mentor


def edit_url(pupil) -> str:
    return reverse("students:bewerken", args=[pupil.pk])


def open_edit(client, pupil) -> dict:
    """What the browser will post from the edit page as it shows it now."""
    page = client.get(edit_url(pupil)).content.decode()
    fields = (
        "voornaam tussenvoegsel achternaam geboortedatum geslacht email telefoon straat huisnummer toevoeging "
        "postcode woonplaats"
    ).split()
    data = {f: getattr(pupil, f) or "" for f in fields}
    data["geboortedatum"] = pupil.geboortedatum.isoformat() if pupil.geboortedatum else ""
    if 'name="group"' in page:
        data["group"] = pupil.group_id
    version = re.search(r'name="versie" value="([^"]+)"', page)
    if version:
        data["versie"] = version.group(1)
    return data


@pytest.mark.django_db
def test_a_stale_pupil_page_is_refused_and_keeps_what_was_typed(two, pupil):
    decaan, mentor = two
    page_a = open_edit(decaan, pupil)  # the decaan opens the pupil data …
    page_b = open_edit(mentor, pupil)
    mentor.post(edit_url(pupil), {**page_b, "achternaam": "Jansen-Bakker"})  # … the mentor saves a change …
    assert Pupil.objects.get(pk=pupil.pk).achternaam == "Jansen-Bakker"
    # … and the decaan saves the page opened before, with a change of their own.
    response = decaan.post(edit_url(pupil), {**page_a, "woonplaats": "Rijswijk"})
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page and "Controleer en sla opnieuw op." in page
    assert "achternaam is nu “Jansen-Bakker”" in page  # what changed is named
    assert 'value="Rijswijk"' in page  # the decaan's input is still in the form
    stored = Pupil.objects.get(pk=pupil.pk)
    assert stored.achternaam == "Jansen-Bakker" and stored.woonplaats == "Delft"  # nothing written
    # Saving again from the page shown now (it carries the current version) goes through.
    again = re.search(r'name="versie" value="([^"]+)"', page).group(1)
    decaan.post(edit_url(pupil), {**page_a, "achternaam": "Jansen-Bakker", "woonplaats": "Rijswijk", "versie": again})
    stored = Pupil.objects.get(pk=pupil.pk)
    assert stored.achternaam == "Jansen-Bakker" and stored.woonplaats == "Rijswijk"


@pytest.mark.django_db
def test_a_fresh_pupil_page_saves(two, pupil):
    decaan, _mentor = two
    decaan.post(edit_url(pupil), {**open_edit(decaan, pupil), "woonplaats": "Rijswijk"})
    assert Pupil.objects.get(pk=pupil.pk).woonplaats == "Rijswijk"


def versie(client, url) -> dict:
    found = re.search(r'name="versie" value="([^"]+)"', client.get(url).content.decode())
    return {"versie": found.group(1)} if found else {}


@pytest.mark.django_db
def test_a_stale_extra_aandacht_page_is_refused_and_keeps_what_was_typed(two, pupil):
    decaan, mentor = two
    url = reverse("students:extra_aandacht", args=[pupil.pk])
    page_a, page_b = versie(decaan, url), versie(mentor, url)
    mentor.post(url, {**page_b, "text": "Heeft extra loopbaanadvies nodig."})
    response = decaan.post(url, {**page_a, "text": "Twijfelt tussen twee richtingen."})
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    assert "Heeft extra loopbaanadvies nodig." in page and "Twijfelt tussen twee richtingen." in page
    assert Pupil.objects.get(pk=pupil.pk).extra_aandacht == "Heeft extra loopbaanadvies nodig."


@pytest.mark.django_db
def test_a_stale_status_page_is_refused(two, pupil):
    from students.aanmeldingen import add_aanmelding
    from students.models import Status
    from tests.factories import OpleidingFactory

    decaan, mentor = two
    aanmelding = add_aanmelding(pupil=pupil, opleiding=OpleidingFactory())
    url = reverse("students:status_bijwerken", args=[aanmelding.pk])
    page_a, page_b = versie(decaan, url), versie(mentor, url)
    today = datetime.date.today().isoformat()
    mentor.post(url, {**page_b, "status": Status.DEFINITIEF, "date": today})
    response = decaan.post(url, {**page_a, "status": Status.INTAKE, "date": today, "note": "Gebeld"})
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page and "Gebeld" in page
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.DEFINITIEF and aanmelding.history.count() == 2


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


@pytest.mark.django_db
def test_a_stale_diploma_click_is_refused(two, pupil):
    decaan, mentor = two
    url = reverse("students:leerling", args=[pupil.pk])
    diploma = reverse("students:diploma", args=[pupil.pk])
    shown_a = hidden(decaan.get(url).content.decode(), "getoond")
    mentor.post(diploma, {"getoond": hidden(mentor.get(url).content.decode(), "getoond"), "diploma": "nee"})
    response = decaan.post(diploma, {"getoond": shown_a, "diploma": "ja"}, follow=True)
    assert STALE in response.content.decode() and "staat nu op “niet behaald”" in response.content.decode()
    assert Pupil.objects.get(pk=pupil.pk).diploma is False


@pytest.mark.django_db
def test_a_stale_group_diploma_page_writes_only_what_it_changed(two, pupil):
    decaan, mentor = two
    other = PupilFactory(school=pupil.school, group=pupil.group, voornaam="Noor", achternaam="Bakker")
    group_url = f"{reverse('students:diploma_groep')}?groep={pupil.group_id}"
    page = decaan.get(group_url).content.decode()
    stale_page = {f"getoond-{p.pk}": hidden(page, f"getoond-{p.pk}") for p in (pupil, other)}
    stale_page |= {f"diploma-{p.pk}": "" for p in (pupil, other)}  # as shown: nothing known yet
    # The mentor sets Sem's diploma on his page; the decaan's group page still shows "nog niet bekend".
    mentor.post(reverse("students:diploma", args=[pupil.pk]), {"getoond": "", "diploma": "ja"})
    # The decaan sets only Noor's: Sem's stays the mentor's.
    decaan.post(group_url, {**stale_page, f"diploma-{other.pk}": "nee"})
    assert Pupil.objects.get(pk=pupil.pk).diploma is True and Pupil.objects.get(pk=other.pk).diploma is False
    # A row both changed is refused as a whole, the choices kept on the page.
    response = decaan.post(group_url, {**stale_page, f"diploma-{pupil.pk}": "nee", f"diploma-{other.pk}": "ja"})
    page = response.content.decode()
    assert STALE in page and "Sem Jansen staat nu op “behaald”" in page
    assert f'name="diploma-{pupil.pk}" value="nee" data-voroc-choice="nee" checked' in page
    assert Pupil.objects.get(pk=pupil.pk).diploma is True and Pupil.objects.get(pk=other.pk).diploma is False
