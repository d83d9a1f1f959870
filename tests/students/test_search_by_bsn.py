"""A BSN typed into a search box (Leerling overzicht, Oud leerlingen, the mbo's Aanmeldingen, the exports) finds
the pupil through the blind index, is kept only as that index, and the page says "een BSN", never the number."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from students import bsn
from students.aanmeldingen import add_aanmelding
from students.schoolyear import current_school_year
from tests.conftest import login_as
from tests.factories import OpleidingFactory, PupilFactory

pytestmark = pytest.mark.django_db

BSN = "111222333"
TYPED = "1112 22 333"  # as a person types it


def search_by_bsn(client, url: str):
    response = client.post(url, {"q": TYPED}, follow=True)
    address = response.redirect_chain[-1][0]
    assert "zoek=" in address and BSN not in address.replace(" ", "").replace("+", "")
    return response


def assert_kept_only_as_index(client, response) -> None:
    page = response.content.decode()
    assert BSN not in page.replace(" ", "") and "1112 22 333" not in page
    session = str(dict(client.session))
    assert BSN not in session and TYPED not in session and bsn.blind_index(BSN) in session


@pytest.mark.parametrize("former", [False, True], ids=["Leerling overzicht", "Oud leerlingen"])
def test_the_overview_finds_a_pupil_by_bsn_and_keeps_only_its_index(client, demo, former):
    school = demo["decaan.vo1"].organisation
    year = current_school_year() - (1 if former else 0)
    PupilFactory(school=school, school_year=year, achternaam="Gezocht", bsn=BSN)
    PupilFactory(school=school, school_year=year, achternaam="Ander")
    login_as(client, demo["decaan.vo1"])
    response = search_by_bsn(client, reverse("students:oud" if former else "students:overzicht"))
    assert [row.pupil.achternaam for row in response.context["rows"]] == ["Gezocht"]
    assert_kept_only_as_index(client, response)
    page = response.content.decode()
    assert "gezocht op een BSN" in page and 'name="q" value=""' in page
    # A name is still shown as typed.
    by_name = client.post(reverse("students:oud" if former else "students:overzicht"), {"q": "Ander"}, follow=True)
    assert "zoekopdracht “Ander”" in by_name.content.decode() and 'name="q" value="Ander"' in by_name.content.decode()


def test_the_export_of_a_bsn_search_says_een_bsn(client, demo):
    school = demo["decaan.vo1"].organisation
    PupilFactory(school=school, achternaam="Gezocht", bsn=BSN)
    PupilFactory(school=school, achternaam="Ander")
    login_as(client, demo["decaan.vo1"])
    overview = search_by_bsn(client, reverse("students:overzicht"))
    export = client.get(reverse("students:export") + "?formaat=xlsx&" + overview.context["export_query"])
    cells = [
        str(c) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert "Zoekopdracht: een BSN" in cells and "Gezocht" in cells and "Ander" not in cells
    assert not any(BSN in c or bsn.blind_index(BSN) in c for c in cells)
    # A typed address with the BSN itself is moved to a token that holds only the index.
    typed = client.get(reverse("students:print"), {"q": BSN}, follow=True)
    assert "Gezocht" in typed.content.decode() and "Ander" not in typed.content.decode()
    assert_kept_only_as_index(client, typed)


def test_the_mbo_aanmeldingen_find_a_pupil_by_bsn_and_keep_only_its_index(client, demo):
    mbo = demo["roc.mbo1"].organisation
    opleiding = OpleidingFactory(school=mbo)
    for name, number in (("Gezocht", BSN), ("Ander", None)):
        pupil = PupilFactory(
            school=demo["decaan.vo1"].organisation, achternaam=name, **({"bsn": number} if number else {})
        )
        add_aanmelding(pupil=pupil, opleiding=opleiding, source="feed")
    login_as(client, demo["roc.mbo1"])
    response = search_by_bsn(client, reverse("students:aanmeldingen"))
    assert [p.achternaam for p, _a in response.context["rows"]] == ["Gezocht"]
    assert_kept_only_as_index(client, response)
    page = response.content.decode()
    assert "gezocht op een BSN" in page and 'name="q" value=""' in page
