"""Names are in Dutch alphabetical order everywhere a list is sorted by name: Öztürk among the O's, Şahin among the
S's, Çelik among the C's (a byte order puts them after Z), the tussenvoegsel not counted (van Dam under D)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from students.models import Pupil
from tests.conftest import login_as
from tests.factories import PupilFactory

pytestmark = pytest.mark.django_db
NAMES = [("Zwart", ""), ("Şahin", ""), ("Öztürk", ""), ("Çelik", ""), ("Claes", ""), ("Ochtend", ""), ("Dam", "van")]
DUTCH_ORDER = ["Çelik", "Claes", "Dam", "Ochtend", "Öztürk", "Şahin", "Zwart"]


@pytest.fixture
def pupils(demo):
    school = demo["decaan.vo1"].organisation
    return [PupilFactory(school=school, achternaam=a, tussenvoegsel=t, postcode="2517 AB") for a, t in NAMES]


def test_the_database_order_is_dutch(pupils):
    assert [p.achternaam for p in Pupil.objects.filter(pk__in=[p.pk for p in pupils])] == DUTCH_ORDER


def test_the_overview_its_excel_and_the_gemeente_list_sort_the_dutch_way(client, demo, pupils):
    login_as(client, demo["decaan.vo1"])
    response = client.get(reverse("students:export") + "?formaat=xlsx&groep=alle")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0] in DUTCH_ORDER]
    assert names == DUTCH_ORDER
    html = client.get(reverse("students:overzicht")).content.decode()  # the list on screen
    positions = [html.index(name) for name in DUTCH_ORDER]
    assert positions == sorted(positions)
    pdf = client.get(reverse("students:export") + "?formaat=pdf&groep=alle")  # the PDF, read back
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.content)).pages)
    positions = [text.index(name) for name in DUTCH_ORDER]
    assert positions == sorted(positions)
    client.logout()
    login_as(client, demo["gemeente.denhaag"])
    html = client.get(reverse("gemeente:leerlingen")).content.decode()
    positions = [html.index(name) for name in DUTCH_ORDER]
    assert positions == sorted(positions)
    html = client.get(reverse("monitor:lijst") + "?figuur=alle").content.decode()
    positions = [html.index(name) for name in DUTCH_ORDER]
    assert positions == sorted(positions)


def test_a_name_changed_by_an_import_or_a_save_is_sorted_by_its_new_name(pupils):
    pupil = pupils[0]  # Zwart
    pupil.achternaam = "Aydın"
    pupil.save(update_fields=["achternaam"])
    pupil.refresh_from_db()
    assert (pupil.sort_achternaam, pupil.search_name.split()[-1]) == ("aydin", "aydin")
