"""Encryption at rest for personal data: AES-256-GCM under the key ring in settings.

``BSN_ENCRYPTION_KEYS`` ("id:base64key,id:base64key") is the ring: the first key seals, every key opens,
so keys can rotate. A sealed value is ``"<key id>:<base64(nonce + ciphertext)>"``. Each kind of value is
sealed with its own *purpose* (AES-GCM associated data): a ciphertext made for one purpose does not open
as another (a sealed audit key cannot be passed off as a BSN).

``BSN_INDEX_KEY`` keys the blind indexes (HMAC-SHA256) used for equality look-ups without decrypting.
Nothing here logs or formats a plaintext into a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


@dataclass(frozen=True)
class KeyRing:
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
def parse_keys(encryption_keys: str, index_key: str) -> KeyRing:
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
    return KeyRing(current_id=current, by_id=by_id, index_key=_decode_key("BSN_INDEX_KEY", index_key))


def keys() -> KeyRing:
    return parse_keys(settings.BSN_ENCRYPTION_KEYS, settings.BSN_INDEX_KEY)


def current_key_id() -> str:
    return keys().current_id


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def seal(data: bytes, *, purpose: bytes) -> str:
    ring = keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.by_id[ring.current_id]).encrypt(nonce, data, purpose)
    return f"{ring.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(token: str, *, purpose: bytes) -> bytes:
    ring = keys()
    key_id, _sep, payload = token.partition(":")
    key = ring.by_id.get(key_id)
    if key is None:
        raise ImproperlyConfigured(f"No key with id {key_id} in BSN_ENCRYPTION_KEYS.")
    raw = base64.b64decode(payload)
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose)
    except InvalidTag:
        # Deliberately without the payload: error reports must not carry personal data.
        raise ValueError(f"A ciphertext with key id {key_id} does not decrypt.") from None


def seal_bytes(data: bytes, *, purpose: bytes) -> bytes:
    """Bytes in, ``b"<key id>:" + nonce + ciphertext`` out: for large values (a received feed file)."""
    ring = keys()
    nonce = os.urandom(NONCE_BYTES)
    return ring.current_id.encode() + b":" + nonce + AESGCM(ring.by_id[ring.current_id]).encrypt(nonce, data, purpose)


def key_id_of_bytes(token: bytes) -> str:
    return bytes(token).partition(b":")[0].decode()


def unseal_bytes(token: bytes, *, purpose: bytes) -> bytes:
    ring = keys()
    key_id, _sep, raw = bytes(token).partition(b":")
    key = ring.by_id.get(key_id.decode())
    if key is None:
        raise ImproperlyConfigured(f"No key with id {key_id.decode()} in BSN_ENCRYPTION_KEYS.")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose)
    except InvalidTag:
        raise ValueError(f"Sealed data with key id {key_id.decode()} does not decrypt.") from None


def blind_index(text: str) -> str:
    """Keyed HMAC-SHA256 of ``text``, hex: equal inputs give equal indexes; without the key, no way back."""
    return hmac.digest(keys().index_key, text.encode(), hashlib.sha256).hex()


def blind_indexer() -> Callable[[str], str]:
    """``blind_index`` with the key looked up once: for a loop over many values (a feed batch)."""
    key, digest, sha256 = keys().index_key, hmac.digest, hashlib.sha256

    def index(text: str) -> str:
        return digest(key, text.encode(), sha256).hex()

    return index
