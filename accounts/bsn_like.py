"""What could be a BSN, as plain string functions every app can use (accounts imports no other app): normalise,
the elfproef, and finding or masking BSN-like numbers in free text. students.bsn adds validation, encryption and
the blind index on top; the login lockout (accounts.security) and searches (accounts.privacy) use these directly.
"""

from __future__ import annotations

import datetime
import re
from operator import mul

ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_CODE_OFFSET = ord("0") * sum(ELFPROEF_WEIGHTS)


def normalise(value: str) -> str:
    """Strip spaces, dots and dashes; a number of 8 digits gets its leading zero back."""
    if len(value or "") == 9 and value.isascii() and value.isdigit():
        return value  # already normal (the common case: feed files hold thousands)
    digits = "".join(ch for ch in (value or "") if ch not in " .-\t")
    if len(digits) == 8 and digits.isdigit():
        digits = "0" + digits
    return digits


def passes_elfproef(value: str) -> bool:
    """9 digits whose weighted sum (9…2 and −1) is a multiple of 11, and not all zeros."""
    if len(value) != 9 or not value.isascii() or not value.isdigit() or value == "000000000":
        return False
    # On the character codes: each digit is its code less 48, so the sum is off by 48 × sum(weights).
    return (sum(map(mul, value.encode(), ELFPROEF_WEIGHTS)) - _CODE_OFFSET) % 11 == 0


# A number standing on its own, plain or written in groups: 123456782, 1234 56 782, 1234.56.782, 123-45-6782.
_WRITTEN_NUMBER = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){7,8}(?![0-9])")
MASK = "•••••••••"


def _reads_as_date(digits: str) -> bool:
    """8 digits that are a calendar date, yyyymmdd or ddmmyyyy (as in a file name of the day it was made)."""
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        try:
            if 1900 <= int(year) <= 2100:
                datetime.date(int(year), int(month), int(day))
                return True
        except ValueError:
            continue
    return False


def _could_be_bsn(written: str, *, leading_zero_lost: bool) -> bool:
    digits = "".join(ch for ch in written if ch.isdigit())
    if len(digits) == 8:
        # A BSN whose leading zero a spreadsheet dropped is written as 8 plain digits; a date is not a BSN.
        if not leading_zero_lost or not written.isdigit() or _reads_as_date(digits):
            return False
        digits = "0" + digits
    return passes_elfproef(digits)


def bsn_like_numbers(text: str, *, leading_zero_lost: bool = False) -> list[str]:
    """The numbers in free text that could be a BSN: 9 digits on their own passing the elfproef, also written in
    groups; with ``leading_zero_lost`` also 8 plain digits that pass once a zero is put in front (not a date)."""
    return [
        m.group()
        for m in _WRITTEN_NUMBER.finditer(text)
        if _could_be_bsn(m.group(), leading_zero_lost=leading_zero_lost)
    ]


def mask_bsn_like(text: str) -> str:
    """Free text from outside (a file name, a sender) with every number that could be a BSN masked."""
    return _WRITTEN_NUMBER.sub(lambda m: MASK if _could_be_bsn(m.group(), leading_zero_lost=True) else m.group(), text)
