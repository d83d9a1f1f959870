"""The BSN: normalise, validate (elfproef), encrypt (AES-GCM) and index (keyed HMAC).

A BSN is stored twice and never in plain text:

* ``encrypt()`` gives ``"<key id>:<base64(nonce + ciphertext)>"``; the key id says which of
  ``settings.BSN_ENCRYPTION_KEYS`` decrypts it, so keys can rotate (``manage.py rotate_bsn_keys``).
* ``blind_index()`` gives an HMAC-SHA256 under ``settings.BSN_INDEX_KEY``: equal BSNs give equal
  indexes, so look-ups work without decrypting; without the key the index cannot be reversed by
  trying the ~91 million numbers that pass the elfproef.

Other material that holds BSNs (a feed file as an mbo-school sent it) is sealed with the same keys by
``encrypt_bytes()`` / ``decrypt_bytes()``: bytes in, ``b"<key id>:" + nonce + ciphertext`` out, with its
purpose bound as associated data so a sealed file can never be opened as a BSN or the other way round.

Nothing here logs or formats a BSN into a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from operator import mul

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
NONCE_BYTES = 12
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
    return sum(map(mul, map(int, value), ELFPROEF_WEIGHTS)) % 11 == 0


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


@dataclass(frozen=True)
class _Keys:
    current_id: str
    by_id: dict[str, bytes]
    index_key: bytes


def _decode_key(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: a key is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: every key must be 32 bytes (256 bits).")
    return key


@lru_cache(maxsize=8)
def _parse_keys(encryption_keys: str, index_key: str) -> _Keys:
    by_id: dict[str, bytes] = {}
    current = ""
    for part in (p.strip() for p in encryption_keys.split(",")):
        if not part:
            continue
        key_id, sep, text = part.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured('BSN_ENCRYPTION_KEYS: write each key as "id:base64", e.g. "2:…,1:…".')
        if key_id in by_id:
            raise ImproperlyConfigured(f"BSN_ENCRYPTION_KEYS: key id {key_id} appears twice.")
        by_id[key_id] = _decode_key("BSN_ENCRYPTION_KEYS", text)
        current = current or key_id
    if not current:
        raise ImproperlyConfigured("BSN_ENCRYPTION_KEYS holds no key.")
    return _Keys(current_id=current, by_id=by_id, index_key=_decode_key("BSN_INDEX_KEY", index_key))


def _keys() -> _Keys:
    return _parse_keys(settings.BSN_ENCRYPTION_KEYS, settings.BSN_INDEX_KEY)


def current_key_id() -> str:
    return _keys().current_id


def encrypt(bsn: str) -> str:
    keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys.by_id[keys.current_id]).encrypt(nonce, bsn.encode(), _AAD)
    return f"{keys.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def decrypt(token: str) -> str:
    keys = _keys()
    key_id, _sep, payload = token.partition(":")
    key = keys.by_id.get(key_id)
    if key is None:
        raise ImproperlyConfigured(f"No BSN key with id {key_id} in BSN_ENCRYPTION_KEYS.")
    raw = base64.b64decode(payload)
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _AAD).decode()
    except InvalidTag:
        # Deliberately without the payload: error reports must not carry BSN material.
        raise ValueError(f"A BSN ciphertext with key id {key_id} does not decrypt.") from None


def blind_index(bsn: str) -> str:
    """Keyed HMAC-SHA256 of the normalised BSN, hex; what look-ups and uniqueness use."""
    return hmac.digest(_keys().index_key, normalise(bsn).encode(), hashlib.sha256).hex()


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """Seal BSN-bearing bytes (e.g. a received feed file) under the current key: ``b"<key id>:" + nonce + ciphertext``."""
    keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys.by_id[keys.current_id]).encrypt(nonce, data, _purpose_aad(purpose))
    return keys.current_id.encode() + b":" + nonce + sealed


def key_id_of_bytes(token: bytes) -> str:
    return bytes(token).partition(b":")[0].decode()


def decrypt_bytes(token: bytes, *, purpose: str) -> bytes:
    keys = _keys()
    key_id, _sep, raw = bytes(token).partition(b":")
    key = keys.by_id.get(key_id.decode())
    if key is None:
        raise ImproperlyConfigured(f"No BSN key with id {key_id.decode()} in BSN_ENCRYPTION_KEYS.")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _purpose_aad(purpose))
    except InvalidTag:
        raise ValueError(f"Sealed {purpose} data with key id {key_id.decode()} does not decrypt.") from None


def _purpose_aad(purpose: str) -> bytes:
    if not purpose.isidentifier() or purpose == "bsn":
        raise ValueError("A purpose is a plain name other than 'bsn'.")
    return b"voroc:" + purpose.encode()
