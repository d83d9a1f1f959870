"""The robustness list of the issue, each on a real file written to disk and read back through the parser
(whole-file failures also through receive: the batch is kept and marked failed with the reason)."""

import json

import pytest

from feedback import payload
from feedback.models import Batch, BatchState, Transport
from feedback.parser import FileError, parse
from feedback.services import receive
from students import bsn as bsn_crypto
from tests.conftest import bsn_like_numbers
from tests.factories import valid_bsn

from .conftest import HEADER, feed_csv, write

BSN = valid_bsn(41)


def good(**extra) -> dict:
    return {
        "aanmelding_id": "A-1",
        "bsn": BSN,
        "crebo": "25655",
        "status": "INTAKE",
        "status_datum": "2026-10-01",
        **extra,
    }


def parse_file(tmp_path, name: str, data: bytes, fmt: str = "csv"):
    path = write(tmp_path, name, data)
    return parse(path.read_bytes(), fmt)


def failure(tmp_path, name: str, data: bytes, fmt: str = "csv") -> str:
    with pytest.raises(FileError) as caught:
        parse_file(tmp_path, name, data, fmt)
    return str(caught.value)


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_recorded_and_not_kept(tmp_path, settings, mbo):
    settings.FEEDBACK_MAX_BYTES = 2_000
    path = write(tmp_path, "groot.csv", feed_csv([good(aanmelding_id=f"A-{n}") for n in range(100)]))
    batch = receive(school=mbo, data=path.read_bytes(), transport=Transport.COMMAND, fmt="csv", enqueue=False)
    assert batch.state == BatchState.FAILED and batch.size == path.stat().st_size
    assert "te groot" in batch.failure and "0,0 MB" in batch.failure
    assert not batch.payload and not batch.checksum  # nothing read, nothing kept


@pytest.mark.django_db
def test_a_wrong_encoding_fails_the_batch_which_is_kept(tmp_path, mbo):
    text = ";".join(HEADER) + "\nA-1;" + BSN + ";25655;Zoë’s opleiding;4;BOL;;;INTAKE;2026-10-01\n"
    path = write(tmp_path, "excel-ansi.csv", text.encode("cp1252"))
    assert "niet in UTF-8" in failure(tmp_path, "excel-ansi.csv", path.read_bytes())
    batch = receive(school=mbo, data=path.read_bytes(), transport=Transport.COMMAND, fmt="csv", enqueue=False)
    assert batch.state == BatchState.FAILED and "regel 2" in batch.failure and "CSV UTF-8" in batch.failure
    # Kept as received: the sealed bytes open to exactly the file, and its checksum is that of the file.
    assert payload.unseal(bytes(batch.payload)) == path.read_bytes()
    assert batch.checksum == payload.checksum(path.read_bytes())
    assert BSN.encode() not in bytes(batch.payload)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["aanmelding_id", "crebo", "status", "status_datum"], "bsn"),
        (["id", "burgerservicenummer", "crebo", "status", "datum"], "aanmelding_id, bsn, status_datum"),
    ],
)
def test_a_header_without_required_columns_fails_naming_them(tmp_path, header, missing):
    reason = failure(tmp_path, "kop.csv", feed_csv([good()], header=header))
    assert f"mist de verplichte kolom(men) {missing}" in reason


def test_a_file_without_a_header_fails(tmp_path):
    data = f"A-1;{BSN};25655;INTAKE;2026-10-01\n".encode()
    assert "mist de verplichte kolom" in failure(tmp_path, "zonder-kop.csv", data)
    assert "kopregel" in failure(tmp_path, "lege-eerste.csv", b"\n" + feed_csv([good()]))


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\r\n", b"\x00\x00"])
def test_an_empty_file_fails(tmp_path, data):
    assert failure(tmp_path, "leeg.csv", data) == "Het bestand is leeg."


def test_a_header_with_no_rows_is_an_empty_delivery_not_an_error(tmp_path):
    result = parse_file(tmp_path, "alleen-kop.csv", feed_csv([]))
    assert (result.rows, result.rejections) == ([], [])


def test_a_comma_instead_of_a_semicolon_is_read(tmp_path):
    result = parse_file(
        tmp_path, "komma.csv", feed_csv([good(), good(aanmelding_id="A-2", opleiding="Zorg, welzijn")], sep=",")
    )
    assert [r.aanmelding_id for r in result.rows] == ["A-1", "A-2"]
    assert result.rows[1].opleiding == "Zorg, welzijn"


def test_quoted_fields_with_separators_and_line_ends_inside_keep_their_value_and_the_line_numbers(tmp_path):
    data = (
        ";".join(HEADER) + "\n"
        f'A-1;{BSN};25655;"Zorg; welzijn en ""sport""";4;BOL;"Campus\nLaakhaven";2027;INTAKE;2026-10-01\n'
        f"A-2;{valid_bsn(42)};25655;;;;;;INTAKE;2026-10-02\n"
        f"A-3;{valid_bsn(43)};2565;;;;;;INTAKE;2026-10-02\n"
    ).encode()
    result = parse_file(tmp_path, "quotes.csv", data)
    assert result.rows[0].opleiding == 'Zorg; welzijn en "sport"' and result.rows[0].locatie == "Campus Laakhaven"
    assert [r.line for r in result.rows] == [2, 4]  # the quoted line end makes A-1 span lines 2 and 3
    assert [(r.line, r.field) for r in result.rejections] == [(5, "crebo")]


def test_crlf_line_ends_and_a_bom(tmp_path):
    result = parse_file(tmp_path, "windows.csv", feed_csv([good(), good(aanmelding_id="A-2")], crlf=True, bom=True))
    assert [(r.line, r.aanmelding_id, r.crebo) for r in result.rows] == [(2, "A-1", "25655"), (3, "A-2", "25655")]


def test_columns_in_any_order_any_capitals_unknown_ones_ignored(tmp_path):
    header = ["Status_Datum", "Opmerking", "STATUS", "crebo", "BSN", "Aanmelding ID"]
    rows = [
        {
            "Status_Datum": "2026-10-01",
            "Opmerking": "bel terug",
            "STATUS": "Intakegesprek",
            "crebo": "25655",
            "BSN": BSN,
            "Aanmelding ID": "A-1",
        }
    ]
    result = parse_file(tmp_path, "volgorde.csv", feed_csv(rows, header=header))
    assert [(r.aanmelding_id, r.status) for r in result.rows] == [("A-1", 3)]


def test_a_column_twice_in_the_header_fails(tmp_path):
    assert "twee keer: status" in failure(tmp_path, "dubbel.csv", feed_csv([], header=[*HEADER, "Status"]))


def test_blank_and_separator_only_lines_are_skipped_and_counted_as_lines(tmp_path):
    data = (
        feed_csv([good()])
        + b"\n;;;;;;;;;\n"
        + feed_csv([good(aanmelding_id="A-2", crebo="123")])[len(";".join(HEADER)) + 1 :]
    )
    result = parse_file(tmp_path, "gaten.csv", data)
    assert [r.line for r in result.rows] == [2] and [(r.line, r.field) for r in result.rejections] == [(5, "crebo")]


def test_a_quote_that_is_not_closed_and_too_many_fields_reject_those_lines_only(tmp_path):
    data = (
        ";".join(HEADER) + "\n"
        f'A-1;{BSN};25655;"Zorg"x;;;;;INTAKE;2026-10-01\n'
        f"A-2;{valid_bsn(42)};25655;Zorg;welzijn;4;BOL;;;INTAKE;2026-10-01\n"
        f"A-3;{valid_bsn(43)};25655;;;;;;INTAKE;2026-10-01\n"
        f'A-4;{valid_bsn(44)};25655;"Zorg;;;;;INTAKE;2026-10-01\n'
        f"A-5;{valid_bsn(45)};25655;;;;;;INTAKE;2026-10-01\n"
    ).encode()
    result = parse_file(tmp_path, "kapot.csv", data)
    assert [r.aanmelding_id for r in result.rows] == ["A-3"]
    rejected = {r.line: r.reason for r in result.rejections}
    assert set(rejected) == {2, 3, 5}
    assert "aanhalingsteken" in rejected[2] and "11 velden, de kopregel 10" in rejected[3]
    assert "Regel 5–6 is niet te lezen" in rejected[5]  # the open quote runs to the end of the file


def test_every_field_is_checked_and_named_without_repeating_a_bsn(tmp_path):
    not_elfproef = BSN[:-1] + str((int(BSN[-1]) + 1) % 10)
    rows = [
        good(bsn=not_elfproef),
        good(bsn="12345"),
        good(bsn=""),
        good(aanmelding_id="", crebo="ABCDE"),
        good(status="Geplaatst", status_datum="14-10-2026"),
        good(status_datum="2031-01-01"),
        good(status_datum="1999-12-31"),
        good(niveau="5", leerweg="BBLL", cohort="26"),
        good(aanmelding_id=BSN),  # an id that is the BSN itself
        good(aanmelding_id="x" * 65),
        good(status=not_elfproef),  # a BSN in the wrong column
        good(crebo=f"{BSN[:3]}.{BSN[3:6]}.{BSN[6:]}", leerweg=f"{BSN[:4]} {BSN[4:6]} {BSN[6:]}"),  # written in groups
        good(status_datum=f"{BSN[:3]}-{BSN[3:6]}-{BSN[6:]}", status=f"{not_elfproef[:4]}.{not_elfproef[4:]}"),
    ]
    result = parse_file(tmp_path, "velden.csv", feed_csv(rows))
    reasons = {r.line: (r.field, r.reason, r.aanmelding_id) for r in result.rejections}
    assert result.rows == [] and len(reasons) == 13
    assert reasons[2][:2] == ("bsn", "bsn: voldoet niet aan de elfproef")
    assert reasons[3][:2] == ("bsn", "bsn: moet 9 cijfers zijn")
    assert reasons[4][:2] == ("bsn", "bsn: ontbreekt")
    assert reasons[5][:2] == ("aanmelding_id", "aanmelding_id: ontbreekt; crebo: moet 5 cijfers zijn “ABCDE”")
    assert reasons[6][1] == (
        "status: onbekende status “Geplaatst”; status_datum: “14-10-2026” staat als dag-maand-jaar; schrijf "
        "jaar-maand-dag: 2026-10-14"
    )
    assert reasons[7][1] == "status_datum: ligt in de toekomst"
    assert reasons[8][1] == "status_datum: ligt vóór het jaar 2000"
    assert reasons[9][1].startswith("niveau: moet 1, 2, 3 of 4 zijn; leerweg: moet BOL of BBL zijn “BBLL”; cohort:")
    assert reasons[10] == (
        "aanmelding_id",
        "aanmelding_id: is gelijk aan het BSN; gebruik het eigen nummer van de aanmelding",
        "•••••••••",
    )
    assert reasons[11][1] == "aanmelding_id: is langer dan 64 tekens"
    assert reasons[12][1] == "status: onbekende status"  # the value could be a BSN: not repeated
    assert reasons[13][1] == "crebo: moet 5 cijfers zijn; leerweg: moet BOL of BBL zijn"  # nor in groups
    assert reasons[14][1] == (
        "status: onbekende status; status_datum: de waarde is geen geldige datum; schrijf jaar-maand-dag, "
        "bijvoorbeeld 2026-03-14"
    )
    everything = " ".join(f"{r.aanmelding_id} {r.reason}" for r in result.rejections)
    assert bsn_like_numbers(everything) == []
    assert BSN not in everything and not_elfproef not in everything


def test_values_are_normalised(tmp_path):
    rows = [
        good(bsn=BSN[1:] if BSN.startswith("0") else BSN, crebo=" 25655 ", leerweg="bol", status=" intake "),
        good(aanmelding_id="A-2", status_datum="2026-10-01T08:15:30.750+02:00"),
        good(aanmelding_id="A-3", status_datum="2026-10-01T08:15:30Z"),
        good(aanmelding_id="A-4", status_datum="2026-10-01 08:15"),
    ]
    result = parse_file(tmp_path, "normaal.csv", feed_csv(rows))
    first, second, third, fourth = result.rows
    assert (first.crebo, first.leerweg, first.status, first.bsn_index) == (
        "25655",
        "BOL",
        3,
        bsn_crypto.blind_index(BSN),
    )
    assert first.at.hour == 12  # a date alone is noon (Amsterdam)
    assert second.at.microsecond == 0 and second.at.isoformat() == "2026-10-01T08:15:30+02:00"
    assert third.at.isoformat() == "2026-10-01T08:15:30+00:00"
    assert fourth.at.utcoffset().total_seconds() == 7200  # no offset given: Amsterdam time


def test_an_eight_digit_bsn_gets_its_leading_zero():
    eight = _with_leading_zero()
    data = json.dumps({"rows": [good(bsn=int(eight))]}).encode()
    assert parse(data, "json").rows[0].bsn_index == bsn_crypto.blind_index(eight)


def test_json_rows_with_numbers_nulls_and_their_position_as_line(tmp_path):
    data = json.dumps(
        {
            "rows": [
                {**good(), "crebo": 25655, "niveau": 4, "cohort": 2027.0, "locatie": None, "extra": {"x": 1}},
                "geen object",
                {**good(aanmelding_id="A-3"), "niveau": [4]},
                {**good(aanmelding_id="A-4"), "status": True},
            ]
        }
    ).encode()
    result = parse_file(tmp_path, "levering.json", data, "json")
    assert [(r.line, r.crebo, r.niveau, r.cohort, r.locatie) for r in result.rows] == [(1, "25655", 4, 2027, "")]
    assert [(r.line, r.field) for r in result.rejections] == [(2, ""), (3, "niveau"), (4, "status")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"rows": [', "geen geldige JSON (fout op regel 1, kolom 11)"),
        (b'[{"bsn": "1"}]', 'een object met een lijst "rows"'),
        (b'{"rijen": []}', 'een object met een lijst "rows"'),
        # Nested far beyond Python's recursion limit: refused with a reason (it was an error that stopped the
        # request, and an inbox file that was tried again and again).
        (b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "te diep genest"),
    ],
)
def test_json_that_cannot_be_read_fails(tmp_path, data, reason):
    assert reason in failure(tmp_path, "kapot.json", data, "json")


@pytest.mark.django_db
def test_a_batch_is_stored_sealed_with_checksum_size_sender_and_time(tmp_path, mbo):
    path = write(tmp_path, "dag.csv", feed_csv([good()]))
    batch = receive(
        school=mbo, data=path.read_bytes(), transport=Transport.INBOX, fmt="csv", sender="25AA/dag.csv", enqueue=False
    )
    batch = Batch.objects.get(pk=batch.pk)
    assert (batch.size, batch.sender, batch.transport) == (path.stat().st_size, "25AA/dag.csv", "inbox")
    assert batch.checksum == payload.checksum(path.read_bytes()) and batch.received_at is not None
    sealed = bytes(batch.payload)
    assert (
        sealed.startswith(f"{bsn_crypto.current_key_id()}:".encode())
        and batch.payload_key_id == bsn_crypto.current_key_id()
    )
    assert BSN.encode() not in sealed and b"25655" not in sealed
    assert payload.unseal(sealed) == path.read_bytes()
    with pytest.raises(ValueError):  # the purpose is bound: sealed feed bytes are not a BSN ciphertext
        bsn_crypto.decrypt_bytes(sealed, purpose="other")


def _with_leading_zero() -> str:
    """A valid BSN whose first digit is 0 (an 8-digit number in a spreadsheet)."""
    for n in range(1_000_000, 9_999_999):
        prefix = f"0{n:07d}"
        check = sum(int(d) * w for d, w in zip(prefix, (9, 8, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        if check < 10:
            return prefix + str(check)
    raise AssertionError


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_kind_of_line_end_is_read_also_a_lone_carriage_return(newline):
    text = newline.join(["aanmelding_id;bsn;crebo;status;status_datum", f"A-1;{valid_bsn(1)};25655;INTAKE;2026-10-01"])
    result = parse(text.encode(), "csv")
    assert [r.aanmelding_id for r in result.rows] == ["A-1"] and result.rejections == []


@pytest.mark.parametrize("header", ['"aanmelding_id;bsn;crebo;status;status_datum', "aanmelding_id;b\rsn;crebo"])
def test_a_header_that_cannot_be_read_fails_the_file_with_a_reason(header):
    with pytest.raises(FileError) as caught:
        parse((header + "\nA-1;x;y;z;w\n").encode(), "csv")
    assert "kopregel" in str(caught.value)
