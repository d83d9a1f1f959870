"""The BSN validator under arbitrary input: a valid BSN or a Dutch ValidationError, never anything else."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from students import bsn

ODD = st.sampled_from(["", " ", ".", "-", "\t", "\u00a0", "\u200b", "٣", "𝟗", "０", "\x00", "9" * 40])
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789 .-", max_size=14),
    st.lists(st.one_of(st.sampled_from("0123456789"), ODD), max_size=14).map("".join),
)


def valid_bsns():
    """Every 9-digit number of 8 random digits and the check digit the elfproef asks for."""

    def complete(eight: str) -> str | None:
        remainder = sum(int(d) * w for d, w in zip(eight, (9, 8, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        return eight + str(remainder) if remainder < 10 and eight + str(remainder) != "000000000" else None

    return st.text(alphabet="0123456789", min_size=8, max_size=8).map(complete).filter(bool)


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("000000000")
@example("٠١١١٢٢٢٣٣٣")
def test_any_text_gives_a_valid_bsn_or_a_dutch_error_that_does_not_repeat_it(value):
    try:
        result = bsn.validate(value)
    except ValidationError as error:
        message = " ".join(error.messages)
        assert "BSN" in message
        digits = "".join(ch for ch in value if ch.isdigit())
        assert len(digits) < 5 or digits not in message
    else:
        assert len(result) == 9 and result.isascii() and result.isdigit()
        assert bsn.passes_elfproef(result)


@settings(max_examples=300, deadline=None)
@given(valid_bsns(), st.sampled_from(["{}", " {} ", "{0}.{1}.{2}", "{0} {1} {2}", "{0}-{1}-{2}"]))
def test_every_valid_bsn_passes_however_it_is_written(number, layout):
    parts = (number[:3], number[3:6], number[6:])
    written = layout.format(*parts) if "{0}" in layout else layout.format(number)
    assert bsn.validate(written) == number
    if number.startswith("0"):
        assert bsn.validate(number[1:]) == number  # 8 digits: the leading zero comes back


@settings(max_examples=200, deadline=None)
@given(valid_bsns())
def test_a_single_wrong_digit_never_passes(number):
    for position in range(9):
        wrong = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1 :]
        assert not bsn.passes_elfproef(wrong)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None)
@given(valid_bsns())
def test_encryption_round_trips_and_the_index_is_stable(number):
    token = bsn.encrypt(number)
    assert number not in token and bsn.decrypt(token) == number
    assert bsn.blind_index(number) == bsn.blind_index(number[:3] + " " + number[3:])
