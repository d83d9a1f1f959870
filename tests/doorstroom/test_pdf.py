"""The form as a PDF: A4, school and pupil name without BSN, every step and every answer read back, page
numbers, the versions, the attachments listed; one page rendered to PNG to look at."""

import io
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from doorstroom import document, pdf
from doorstroom.engine import display, evaluate
from students import bsn as bsn_crypto
from tests.conftest import login_as
from tests.doorstroom.helpers import _any_value, complete_answers, declaration_for, make_form

from ..browser.conftest import SCREENSHOTS


def every_shown_field_answered(pupil, doelgroep="povo") -> dict:
    answers = complete_answers(pupil, doelgroep=doelgroep)
    spec = declaration_for(pupil).parsed()
    for step in evaluate(spec, answers, {"lob_paspoort": 1}).shown_steps:
        for fld in step.fields:
            if fld.is_answer and fld.key not in answers:
                answers[fld.key] = _any_value(fld)
    return answers


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_pdf_holds_every_answered_field_and_nothing_that_identifies_by_number(client, demo, pupil):
    form = make_form(pupil, answers=every_shown_field_answered(pupil))
    login_as(client, demo["decaan.vo1"])
    response = client.get(reverse("doorstroom:pdf", args=[pupil.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="doorstroomformulier-jansen-sem-versie-1.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)  # A4 portrait
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    dense = "".join(text.split())  # a long answer wraps over lines (also at the hyphen of "LOB-paspoort")
    spec = form.declaration.parsed()
    shown = evaluate(spec, form.answers, {"lob_paspoort": 1})
    missing = []
    for step in shown.shown_steps:
        if step.step.title not in text:
            missing.append(step.step.title)
        for fld in step.fields:
            value = display(fld, form.answers.get(fld.key))
            if fld.type == "rows":
                expected = [cell for row in value for _label, cell in row if cell]
            elif isinstance(value, list):
                expected = value
            elif fld.is_answer:
                expected = [value]
            else:
                expected = []
            for piece in [fld.label, *expected]:
                if "".join(str(piece).split()) not in dense:
                    missing.append(f"{fld.key}: {piece}")
    assert missing == []
    # The school's and the pupil's name, the versions, page numbers, the attachment listed; no BSN.
    assert "VO1 – Haagse Scholengemeenschap" in text and "Sem Jansen" in text
    assert "versie 1" in text and "Haaglanden 2026-2027, uitgave 1" in text
    assert f"Pagina 1 van {len(reader.pages)}" in text and "lob-paspoort.pdf" in text
    assert bsn_crypto.decrypt(pupil.bsn_encrypted) not in text.replace(" ", "")


@pytest.mark.django_db
def test_a_page_of_the_pdf_renders_to_png(pupil):
    form = make_form(pupil, answers=every_shown_field_answered(pupil, doelgroep="isk"))
    content = pdf.render(document.build(form, links=False))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "60-doorstroomformulier-pdf.pdf"
    target.write_bytes(content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "2",
            str(target),
            str(SCREENSHOTS / "60-doorstroomformulier-pdf"),
        ],
        check=True,
    )
    assert (SCREENSHOTS / "60-doorstroomformulier-pdf-1.png").stat().st_size > 10_000


@pytest.mark.django_db
def test_an_old_version_still_renders_and_prints_after_the_declaration_changes(client, demo, pupil):
    from doorstroom.loader import load
    from tests.doorstroom.helpers import haaglanden

    old = make_form(pupil, answers={"beroepswens": "Kok", "schoolsoort": "vmbo"})
    changed = haaglanden()
    changed["steps"][2]["fields"][1]["label"] = "Welk beroep wil de leerling later uitoefenen?"
    del changed["steps"][1]["fields"][0]  # schoolsoort is gone in the new version …
    for fld in changed["steps"][1]["fields"]:
        fld.pop("show_if", None)  # … and so are the conditions on it
    new = load(document=changed, source="test")
    assert new.outcome == "new version" and new.declaration.version == 2
    login_as(client, demo["decaan.vo1"])
    page = client.get(reverse("doorstroom:bekijken", args=[pupil.pk])).content.decode()
    assert "Beroepswens" in page and "Schoolsoort" in page and "Welk beroep wil" not in page
    text = flat(
        " ".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(client.get(reverse("doorstroom:pdf", args=[pupil.pk])).content)).pages
        )
    )
    assert "Beroepswens * Kok" in text and "Haaglanden 2026-2027, uitgave 1" in text
    old.refresh_from_db()
    assert old.declaration.version == 1
    # A new form uses the new version.
    from doorstroom.services import start_form
    from tests.factories import PupilFactory

    other = PupilFactory(school=pupil.school)
    assert start_form(pupil=other, by=None).declaration.version == 2


@pytest.mark.django_db
def test_a_long_word_wraps_inside_the_page(client, demo, pupil):
    """A web address typed without spaces stays on the page: wrapped in its cell, not cut off at the edge."""
    address = "https://www.voorbeeld.nl/" + "stageverslag" * 14 + "eindversie.pdf"  # no place to break
    make_form(pupil, answers={"advies_mentor": f"Zie {address}", "beroepswens": "Kok"})
    login_as(client, demo["decaan.vo1"])
    reader = PdfReader(io.BytesIO(client.get(reverse("doorstroom:pdf", args=[pupil.pk])).content))
    right_edges = []

    def visit(text, cm, tm, font, size):
        if "stageverslag" in text or "eindversie" in text:
            x = cm[0] * tm[4] + cm[4]
            right_edges.append(x + len(text.strip()) * size * cm[0] * 0.45)  # DejaVu Sans: ≥ 0.45 em a glyph

    text = ""
    for page in reader.pages:
        width = float(page.mediabox.width)
        right_edges.clear()
        text += page.extract_text(visitor_text=visit)
        assert all(edge <= width for edge in right_edges), (right_edges, width)
    assert address in "".join(text.split())  # all of it, in order


@pytest.mark.django_db
def test_the_file_name_keeps_letters_unicode_does_not_decompose(client, demo, pupil):
    pupil.voornaam, pupil.achternaam = "Michał", "Øster-Łukasz"
    pupil.save()
    make_form(pupil, answers={"beroepswens": "Kok"})
    login_as(client, demo["decaan.vo1"])
    response = client.get(reverse("doorstroom:pdf", args=[pupil.pk]))
    assert 'filename="doorstroomformulier-oster-lukasz-michal-versie-1.pdf"' in response["Content-Disposition"]
