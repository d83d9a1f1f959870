"""Reading real files as the administration systems write them, and the preview's verdict on their rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from students import bsn as bsn_crypto
from students.imports.readers import UnreadableFile, read_table
from students.models import Pupil
from tests.factories import GroupFactory, PupilFactory, valid_bsn

from .files import MAGISTER_HEADINGS, csv_bytes, edexml_bytes, person, xlsx_bytes
from .helpers import lines_of, preview, upload, upload_and_confirm

pytestmark = pytest.mark.django_db


def test_a_cp1252_csv_with_semicolons_and_crlf_gets_a_verdict_per_row(decaan_client, vo1):
    group = GroupFactory(school=vo1, name="4A")
    unchanged = PupilFactory(school=vo1, group=group, leerlingnummer="20001", bsn=valid_bsn(11))
    changed = PupilFactory(school=vo1, group=group, leerlingnummer="20002", bsn=valid_bsn(12))
    rows = [
        person(0, valid_bsn(10), Roepnaam="Zoë", Achternaam="Çelik"),  # line 2: new, é and Ç in cp1252
        person(1, valid_bsn(11), **{f: getattr(unchanged, a) for f, a in (
            ("Straat", "straat"), ("Huisnr.", "huisnummer"), ("Postcode", "postcode"), ("Woonplaats", "woonplaats"),
            ("E-mail", "email"), ("Mobiel", "telefoon"))}),  # line 3: as in VOROC
        person(2, valid_bsn(12), Straat="Nieuwe Laan", **{f: getattr(changed, a) for f, a in (
            ("Huisnr.", "huisnummer"), ("Postcode", "postcode"), ("Woonplaats", "woonplaats"), ("E-mail", "email"),
            ("Mobiel", "telefoon"))}),  # line 4: moved to another street
        person(3, "123456789"),  # line 5: fails the elfproef
        person(4, valid_bsn(14), **{"Geb.datum": "31-02-2009"}),  # line 6: no such date
        person(5, valid_bsn(15), Postcode="2517"),  # line 7: no letters
        person(6, valid_bsn(16), Achternaam=""),  # line 8: required
    ]  # fmt: skip
    rows[1]["Toev."] = unchanged.toevoeging
    rows[2]["Toev."] = changed.toevoeging
    data = csv_bytes(rows)
    assert b"\r\n" in data and "Zoë".encode("cp1252") in data
    imp = upload_and_confirm(decaan_client, "magister.csv", data)
    response = preview(decaan_client, imp)
    assert lines_of(response, "new") == [2]
    assert [row.name for row in response.context["new"]] == ["Zoë Çelik"]
    assert response.context["counts"]["unchanged"] == 1
    assert lines_of(response, "changed") == [4]
    assert response.context["changed"][0].shown_changes() == [("Straat", changed.straat, "Nieuwe Laan")]
    reasons = {row.line: row.reasons() for row in response.context["refused"]}
    assert reasons[5] == [("BSN", "Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer de cijfers.")]
    assert reasons[6] == [("Geboortedatum", "“31-02-2009” is geen datum; schrijf dd-mm-jjjj, bijv. 14-03-2010.")]
    assert reasons[7] == [("Postcode", "“2517” is geen postcode: 4 cijfers en 2 letters, bijv. 2512 AB.")]
    assert reasons[8] == [("Achternaam", "Verplicht veld is leeg.")]
    assert Pupil.objects.filter(school=vo1).count() == 2  # the preview stored nothing


def test_a_utf8_csv_with_bom_commas_and_quoted_fields(decaan_client, vo1):
    rows = [person(0, valid_bsn(20), Straat="Laan, van de Vrede", Woonplaats="'s-Gravenhage")]
    data = csv_bytes(rows, sep=",", encoding="utf-8", bom=True, newline="\n")
    table = read_table("export.csv", data)
    assert (table.encoding, table.separator) == ("utf-8-sig", ",")
    assert table.headings[0] == "Stamnr."  # the BOM is not part of the first heading
    imp = upload_and_confirm(decaan_client, "export.csv", data)
    new = preview(decaan_client, imp).context["new"]
    assert new[0].checked.values["straat"] == "Laan, van de Vrede"


def test_a_tab_separated_file_is_read_too():
    table = read_table("export.txt", csv_bytes([person(0, valid_bsn(21))], sep="\t"))
    assert table.separator == "\t" and table.rows[0][1][1] == "Sanne0"


def test_an_xlsx_from_excel_is_repaired_where_spreadsheets_damage_it(decaan_client, vo1):
    # A valid BSN that starts with 0.
    lost_zero = next(b for b in (f"0{n:08d}" for n in range(12345670, 12345800)) if bsn_crypto.passes_elfproef(b))
    rows = [
        person(0, lost_zero, Postcode="2517ab"),  # Excel keeps the BSN as a number: 8 digits
        person(1, valid_bsn(31), **{"Geb.datum": "39886"}),  # a date as Excel's serial number
        person(2, valid_bsn(32), Mobiel="612345678", **{"Huisnr.": "12a"}),  # 06 lost its 0; 12a → 12 + a
    ]
    data = xlsx_bytes(rows)
    table = read_table("leerlingen.xlsx", data)
    assert table.rows[0][1][6] == lost_zero[1:]  # really 8 digits in the file
    assert table.rows[0][1][4] == "14-03-2009"  # a real date cell
    imp = upload_and_confirm(decaan_client, "leerlingen.xlsx", data)
    response = preview(decaan_client, imp)
    assert lines_of(response, "new") == [2, 3, 4]
    repairs = {row.line: row.repairs() for row in response.context["repaired"]}
    assert repairs[2] == [
        ("BSN", "BSN had 8 cijfers (Excel liet de voorloopnul weg): de 0 is teruggezet."),
        ("Postcode", "Postcode “2517ab” geschreven als 2517 AB."),
    ]
    assert repairs[3] == [("Geboortedatum", "Datum stond als Excel-getal 39886: gelezen als 14-03-2009.")]
    assert ("Huisnummer", "Toevoeging “a” uit het huisnummer gehaald.") in repairs[4]
    values = {row.line: row.checked.values for row in response.context["new"]}
    assert values[3]["geboortedatum"] == datetime.date(2009, 3, 14)
    assert (values[4]["huisnummer"], values[4]["toevoeging"], values[4]["telefoon"]) == (12, "a", "0612345678")
    assert values[2]["bsn"] == lost_zero
    html = response.content.decode()
    assert lost_zero not in html and lost_zero[1:] not in html  # repaired, said so, never shown


@pytest.mark.parametrize("version,namespace", [("2.0", True), ("2.1", True), ("2.1", False)])
def test_an_edexml_file_is_read_with_its_groups_and_keys(decaan_client, vo1, version, namespace):
    pupils = [
        {"key": "L001", "achternaam": "Bakker", "voorvoegsel": "de", "roepnaam": "Noah", "geboortedatum": "2009-05-01",
         "geslacht": "1", "bsn": valid_bsn(40), "emailadres": "noah@example.com", "groep": "4B",
         "adres": {"straat": "Spui", "huisnummer": "7", "postcode": "2511BL", "woonplaats": "Den Haag",
                   "telefoonnummer": "070-1234567"}},
        {"key": "L002", "achternaam": "Yilmaz", "roepnaam": "Elif", "geboortedatum": "2009-11-30", "geslacht": "2",
         "groep": "4B"},
    ]  # fmt: skip
    data = edexml_bytes(pupils, version=version, namespace=namespace)
    table = read_table("edex.xml", data)
    assert table.kind == "edexml"
    assert {"leerlingnummer", "achternaam", "voorvoegsel", "roepnaam", "groep", "straat", "bsn"} <= set(table.headings)
    imp = upload_and_confirm(decaan_client, "edex.xml", data)
    response = preview(decaan_client, imp)
    new = response.context["new"]
    assert [(r.name, r.group_name, r.checked.values["leerlingnummer"]) for r in new] == [
        ("Noah de Bakker", "4B", "L001")
    ]
    assert new[0].checked.values["geslacht"] == "m" and new[0].checked.values["postcode"] == "2511 BL"
    # Without an address a new pupil cannot be added (the add pop-up asks for one too): refused, naming the fields.
    refused = response.context["refused"][0]
    assert (
        refused.line == 2
        and ("Straat", "Verplicht voor een nieuwe leerling, maar leeg of niet gekoppeld.") in refused.reasons()
    )
    assert response.context["new_groups"] == ["4B"]


def test_edexml_with_a_dtd_or_entities_is_refused_before_anything_expands():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE EDEX [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<EDEX><leerlingen><leerling key='1'><achternaam>&b;</achternaam></leerling></leerlingen></EDEX>"
    )
    with pytest.raises(UnreadableFile, match="DTD"):
        read_table("edex.xml", bomb)
    external = b'<?xml version="1.0"?><!DOCTYPE EDEX SYSTEM "file:///etc/passwd"><EDEX/>'
    with pytest.raises(UnreadableFile):
        read_table("edex.xml", external)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("leeg.csv", b"", "leeg"),
        ("kop.csv", b"Roepnaam;Achternaam\r\n", "Het bestand bevat geen leerlingen"),
        ("kapot.xlsx", b"PK\x03\x04 not really a zip", "Het Excel-bestand kan niet worden geopend"),
        ("foto.jpg", b"\xff\xd8\xff", "Kies een .xlsx-, .csv- of .xml-bestand."),
        ("ander.xml", b"<html><body/></html>", "geen EDEXML-bestand"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_dutch_message_and_nothing_is_kept(decaan_client, name, data, message):
    from students.models import PupilImport

    response = upload(decaan_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PupilImport.objects.exists()


def test_the_mapping_is_guessed_from_dutch_headings_and_can_be_corrected(decaan_client, vo1):
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(50))]))
    assert imp.mapping["0"] == "leerlingnummer" and imp.mapping["4"] == "geboortedatum" and imp.mapping["7"] == "group"
    assert len(imp.mapping) == len(MAGISTER_HEADINGS)
    # Two columns on one field, and none on achternaam: the form says so and keeps the import.
    response = upload(decaan_client, "a.csv", csv_bytes([person(0, valid_bsn(50))]))
    url = response.url
    response = decaan_client.post(url, {"kolom_1": "voornaam", "kolom_2": "voornaam"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Elk veld kan maar aan één kolom gekoppeld worden: Roepnaam." in errors
    assert "Koppel een kolom aan: Achternaam." in errors
    assert "leerlingnummer of het BSN" in errors


def test_the_schools_last_mapping_is_remembered(decaan_client, vo1):
    headings = ["Nummer", "Voornaam", "Familienaam", "Sofi", "Klas"]
    data = csv_bytes([{"Nummer": "1", "Voornaam": "A", "Familienaam": "B", "Sofi": valid_bsn(60), "Klas": "4A"}],
                     headings=headings)  # fmt: skip
    upload_and_confirm(
        decaan_client,
        "a.csv",
        data,
        changes={"kolom_0": "leerlingnummer", "kolom_2": "achternaam", "kolom_3": "bsn", "filter_kolom": "4",
                 "filter_waarde": "4*"},
    )  # fmt: skip
    reordered = csv_bytes([{"Klas": "4A", "Sofi": valid_bsn(61), "Familienaam": "C", "Voornaam": "D", "Nummer": "2"}],
                          headings=list(reversed(headings)))  # fmt: skip
    upload(decaan_client, "b.csv", reordered)
    from students.models import PupilImport

    imp = PupilImport.objects.latest("pk")
    assert imp.mapping == {"0": "group", "1": "bsn", "2": "achternaam", "3": "voornaam", "4": "leerlingnummer"}
    assert (imp.filter_column, imp.filter_value) == (0, "4*")


def test_the_filter_keeps_only_the_chosen_rows(decaan_client, vo1):
    rows = [
        person(0, valid_bsn(70), klas="4A"),
        person(1, valid_bsn(71), klas="3B"),
        person(2, valid_bsn(72), klas="4hv"),
    ]
    imp = upload_and_confirm(
        decaan_client, "a.csv", csv_bytes(rows), changes={"filter_kolom": "7", "filter_waarde": "4*"}
    )
    response = preview(decaan_client, imp)
    assert lines_of(response, "new") == [2, 4]
    assert response.context["counts"]["skipped"] == 1


def test_the_same_bsn_or_leerlingnummer_twice_in_the_file_is_refused_on_both_lines(decaan_client, vo1):
    rows = [person(0, valid_bsn(80)), person(1, valid_bsn(80)), person(2, valid_bsn(82), **{"Stamnr.": "20000"})]
    imp = upload_and_confirm(decaan_client, "a.csv", csv_bytes(rows))
    reasons = {row.line: row.reasons() for row in preview(decaan_client, imp).context["refused"]}
    assert ("BSN", "Dit BSN staat meer dan eens in het bestand (regels 2, 3).") in reasons[2]
    assert ("BSN", "Dit BSN staat meer dan eens in het bestand (regels 2, 3).") in reasons[3]
    assert ("Leerlingnummer", "Dit leerlingnummer staat meer dan eens in het bestand (regels 2, 4).") in reasons[4]


def test_the_columns_page_never_shows_a_bsn(decaan_client, vo1):
    bsn = valid_bsn(90)
    response = upload(decaan_client, "a.csv", csv_bytes([person(0, bsn)]))
    html = decaan_client.get(response.url).content.decode()
    assert bsn not in html and "Sanne0" in html
    assert reverse("students:import_kolommen", args=[1]).startswith("/leerlingen/importeren/")
