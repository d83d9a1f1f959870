"""Pages go gzipped to a browser that accepts it (voroc/compression.py); downloads stay intact."""

import gzip
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import PupilFactory

GZIP = {"accept-encoding": "gzip, deflate, br"}
# The CSRF token in a page is masked afresh per request: the one difference between two renderings.
CSRF = re.compile(rb"[A-Za-z0-9]{64}")


@pytest.fixture
def pupils(decaan):
    return [PupilFactory(school=decaan.organisation, achternaam=f"Gezipt{n}") for n in range(30)]


@pytest.mark.django_db
def test_a_page_is_sent_gzipped_and_unpacks_to_the_same_html(decaan_client, pupils):
    url = reverse("students:overzicht")
    plain = decaan_client.get(url, {"groep": "alle"})
    packed = decaan_client.get(url, {"groep": "alle"}, headers=GZIP)
    assert plain.get("Content-Encoding") is None
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert len(packed.content) < len(html) / 3
    assert CSRF.sub(b"", html) == CSRF.sub(b"", plain.content)
    assert b"Gezipt29" in html


@pytest.mark.django_db
def test_an_excel_download_is_not_compressed_again_and_opens(decaan_client, pupils):
    response = decaan_client.get(reverse("students:export"), {"formaat": "xlsx"}, headers=GZIP)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.get("Content-Encoding") is None
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "Gezipt29" in [row[0] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_a_pdf_download_is_not_compressed_again_and_opens(decaan_client, pupils):
    response = decaan_client.get(reverse("students:export"), {"formaat": "pdf"}, headers=GZIP)
    assert response["Content-Type"] == "application/pdf" and response.get("Content-Encoding") is None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Gezipt29" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
