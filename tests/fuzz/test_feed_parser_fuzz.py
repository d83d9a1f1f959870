"""The feed parser under arbitrary files (hypothesis): it reads them or says why not, never anything else.

Every non-empty data line ends up as a row or as a rejection with a Dutch reason (nothing silently dropped),
and no reason repeats a BSN.
"""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feedback.parser import KNOWN, FileError, parse
from tests.conftest import bsn_like_numbers
from tests.factories import valid_bsn

VALUES = {
    "aanmelding_id": st.one_of(st.text(max_size=20), st.sampled_from(["A-1", "A-2", valid_bsn(7)])),
    "bsn": st.one_of(st.sampled_from([valid_bsn(1), valid_bsn(2), "123456789", "", "0" * 9]), st.text(max_size=12)),
    "crebo": st.one_of(st.sampled_from(["25655", "2565", "abcde"]), st.text(max_size=6)),
    "niveau": st.sampled_from(["", "1", "4", "5", "x"]),
    "leerweg": st.sampled_from(["", "BOL", "bbl", "XYZ"]),
    "status": st.sampled_from(["INTAKE", "intake", "Intakegesprek", "ingeschreven", "aangemeld", "?", ""]),
    "status_datum": st.sampled_from(["2026-10-01", "2026-10-01T10:05:00+01:00", "01-10-2026", "2099-01-01", ""]),
}
# A BSN written in groups (with dots, spaces or dashes), as it may land in any column.
GROUPED_BSN = st.sampled_from([valid_bsn(3), valid_bsn(4)]).flatmap(
    lambda bsn: st.sampled_from([".", " ", "-"]).map(lambda sep: sep.join((bsn[:3], bsn[3:6], bsn[6:])))
)
FIELD = st.one_of(
    st.text(max_size=30),
    GROUPED_BSN,
    st.sampled_from(['"', '""', ";", ",", "\r", "\n", "\ufeff", "\x00", "é"]),
)


@st.composite
def feed_files(draw):
    sep = draw(st.sampled_from([";", ","]))
    columns = draw(st.permutations(KNOWN))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        rows.append([draw(VALUES.get(c, FIELD)) if draw(st.booleans()) else draw(FIELD) for c in columns])
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in (sep, '"', "\n", "\r")) else value

    text = newline.join([sep.join(columns)] + [sep.join(cell(v) for v in row) for row in rows])
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    # A line with nothing in it (only separators, as a spreadsheet leaves them) is no data; every other one counts.
    return (prefix + text).encode("utf-8"), sum(1 for row in rows if any(v.strip() for v in row))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
@example(b"\xef\xbb\xbf")
@example(b'aanmelding_id;bsn;crebo;status;status_datum\r"A-1;1')
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    try:
        result = parse(data, "csv")
    except FileError as error:
        assert str(error) and not bsn_like_numbers(str(error))
    else:
        assert result.read == len(result.rows) + len(result.rejections)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(feed_files())
def test_every_line_of_a_file_is_a_row_or_a_rejection_that_says_why(file):
    data, written = file
    result = parse(data, "csv")  # a readable header: the file as a whole is never refused
    assert len(result.rows) + len(result.rejections) == written  # none silently dropped
    for rejection in result.rejections:
        assert rejection.reason and not bsn_like_numbers(rejection.reason)
        assert rejection.line >= 2


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_is_read_or_refused_with_a_reason(document):
    import json

    try:
        result = parse(json.dumps({"rows": document}).encode(), "json")
    except FileError as error:
        assert str(error)
    else:
        assert all(r.reason for r in result.rejections)


@pytest.mark.parametrize("count", [1, 5])
def test_blank_lines_are_no_data_and_not_lost_lines(count):
    text = (
        "aanmelding_id;bsn;crebo;status;status_datum\n" + "\n" * count + f"A-1;{valid_bsn(1)};25655;INTAKE;2026-10-01\n"
    )
    result = parse(text.encode(), "csv")
    assert [r.line for r in result.rows] == [2 + count]
