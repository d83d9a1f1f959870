"""The BSN: normalise, validate (elfproef), encrypt (AES-GCM) and index (keyed HMAC).

A BSN is stored twice and never in plain text:

* ``encrypt()`` gives ``"<key id>:<base64(nonce + ciphertext)>"`` (accounts/crypto.py); the key id says
  which of ``settings.BSN_ENCRYPTION_KEYS`` decrypts it, so keys can rotate (``manage.py rotate_bsn_keys``).
* ``blind_index()`` gives an HMAC-SHA256 under ``settings.BSN_INDEX_KEY``: equal BSNs give equal
  indexes, so look-ups work without decrypting; without the key the index cannot be reversed by
  trying the ~91 million numbers that pass the elfproef.

Other material that holds BSNs (a feed file as an mbo-school sent it) is sealed with the same keys by
``encrypt_bytes()`` / ``decrypt_bytes()``: bytes in, ``b"<key id>:" + nonce + ciphertext`` out, with its
purpose bound as associated data so a sealed file can never be opened as a BSN or the other way round.

Nothing here logs or formats a BSN into a message.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import crypto

ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_CODE_OFFSET = ord("0") * sum(ELFPROEF_WEIGHTS)
# Associated data binds a ciphertext to its purpose: a ciphertext of another field cannot pass as a BSN.
_AAD = b"voroc:bsn"


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


def validate(value: str) -> str:
    """The normalised BSN, or a ValidationError in Dutch that never repeats the number."""
    bsn = normalise(value)
    if not bsn:
        raise ValidationError(_("Vul het BSN van de leerling in."), code="required")
    if not bsn.isascii() or not bsn.isdigit() or len(bsn) != 9:
        raise ValidationError(_("Een BSN bestaat uit 9 cijfers."), code="format")
    if not passes_elfproef(bsn):
        raise ValidationError(
            _("Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer de cijfers."), code="elfproef"
        )
    return bsn


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


def _keys() -> crypto.KeyRing:
    return crypto.keys()


def current_key_id() -> str:
    return crypto.current_key_id()


def encrypt(bsn: str) -> str:
    return crypto.seal(bsn.encode(), purpose=_AAD)


def key_id_of(token: str) -> str:
    return crypto.key_id_of(token)


def decrypt(token: str) -> str:
    return crypto.unseal(token, purpose=_AAD).decode()


def blind_index(bsn: str) -> str:
    """Keyed HMAC-SHA256 of the normalised BSN, hex; what look-ups and uniqueness use."""
    return crypto.blind_index(normalise(bsn))


def blind_indexer() -> Callable[[str], str]:
    """``blind_index`` for many BSNs in a row, with the key looked up once; takes normalised BSNs only."""
    return crypto.blind_indexer()


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """Seal BSN-bearing bytes (e.g. a received feed file) under the current key: ``b"<key id>:" + nonce + ciphertext``."""
    return crypto.seal_bytes(data, purpose=_purpose_aad(purpose))


def key_id_of_bytes(token: bytes) -> str:
    return crypto.key_id_of_bytes(token)


def decrypt_bytes(token: bytes, *, purpose: str) -> bytes:
    return crypto.unseal_bytes(token, purpose=_purpose_aad(purpose))


def _purpose_aad(purpose: str) -> bytes:
    if not purpose.isidentifier() or purpose == "bsn":
        raise ValueError("A purpose is a plain name other than 'bsn'.")
    return b"voroc:" + purpose.encode()
