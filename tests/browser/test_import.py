"""A decaan imports the school's pupil list: upload, columns, the preview per row, the import and its report."""

from pathlib import Path

from playwright.sync_api import expect

from students.models import Pupil
from tests.factories import valid_bsn
from tests.students.imports.files import csv_bytes, person

from .helpers import login


def test_decaan_imports_pupils_from_a_magister_export(page, demo_live, demo_pw, axe, shot, tmp_path: Path):
    base = demo_live.url
    existing = Pupil.objects.filter(school__code="00AA").select_related("group").order_by("pk").first()
    Pupil.objects.filter(pk=existing.pk).update(leerlingnummer="20001")
    rows = [
        person(0, valid_bsn(5000), Roepnaam="Zoë", Achternaam="Çelik", klas="4Z"),
        person(1, "", Roepnaam=existing.voornaam, Achternaam=existing.achternaam, Straat="Nieuwe Laan",
               **{"Huisnr.": str(existing.huisnummer), "Toev.": existing.toevoeging, "Postcode": existing.postcode,
                  "Woonplaats": existing.woonplaats, "E-mail": existing.email, "Mobiel": existing.telefoon},
               klas=existing.group.name),
        person(2, "123456789"),
        person(3, valid_bsn(5003), Postcode="2517ab", **{"Geb.datum": "39886"}),
    ]  # fmt: skip
    path = tmp_path / "leerlingen-magister.csv"
    path.write_bytes(csv_bytes(rows))

    login(page, base, "decaan.vo1", demo_pw)
    page.get_by_role("link", name="Leerling overzicht").click()
    page.get_by_test_id("import-pupils").click()
    expect(page.get_by_role("heading", name="Leerlingen importeren")).to_be_visible()
    assert axe() == [], "upload"
    page.get_by_label("Bestand uit het administratiesysteem").set_input_files(str(path))
    page.get_by_test_id("upload-submit").click()

    expect(page.get_by_role("heading", name="Kolommen koppelen")).to_be_visible()
    expect(page.get_by_label("Geb.datum")).to_have_value("geboortedatum")
    assert axe() == [], "columns"
    shot("60-import-kolommen")
    page.get_by_test_id("mapping-submit").click()

    expect(page.get_by_role("heading", name="Controle van de import")).to_be_visible()
    expect(page.get_by_test_id("count-new")).to_have_text("2 nieuw")
    expect(page.get_by_test_id("count-changed")).to_have_text("1 gewijzigd")
    expect(page.get_by_test_id("count-refused")).to_have_text("1 geweigerd")
    expect(page.get_by_test_id("preview-refused")).to_contain_text("voldoet niet aan de elfproef")
    expect(page.get_by_test_id("preview-changed")).to_contain_text("Nieuwe Laan")
    expect(page.get_by_test_id("preview-repaired")).to_contain_text("Excel-getal 39886")
    assert axe() == [], "preview"
    shot("61-import-controle")
    assert not Pupil.objects.filter(school__code="00AA", leerlingnummer="20000").exists()

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_role("heading", name="Resultaat van de import")).to_be_visible()
    expect(page.get_by_test_id("import-done")).to_contain_text("3 regels zijn ingelezen")
    expect(page.get_by_test_id("result-missing")).to_be_visible()
    assert axe() == [], "result"
    shot("62-import-resultaat")
    assert Pupil.objects.filter(school__code="00AA", leerlingnummer="20000", group__name="4Z").count() == 1
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
