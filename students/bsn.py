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

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from accounts.bsn_like import (  # noqa: F401  (one implementation; students.bsn is where the apps look for it)
    ELFPROEF_WEIGHTS,
    MASK,
    bsn_like_numbers,
    mask_bsn_like,
    normalise,
    passes_elfproef,
)

# Associated data binds a ciphertext to its purpose: a ciphertext of another field cannot pass as a BSN.
_AAD = b"voroc:bsn"


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
