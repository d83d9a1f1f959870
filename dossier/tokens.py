"""Single-use tokens for links in mails: the link carries the token, the database keeps only its SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets

# No 0/O, 1/I/L: a code read aloud in class or copied from the board is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 31^12 ≈ 8 × 10^17 codes; the public page allows a few tries per address and hour


def new_token() -> tuple[str, str]:
    """(the token for the link, its digest for the database)."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A school invitation code such as ``K7QM-X3TD-9HRP``."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(text: str) -> str:
    """What a pupil typed as the code: upper case, without spaces or dashes, then grouped again."""
    plain = re.sub(r"[^A-Z0-9]", "", (text or "").upper())
    return "-".join(plain[i : i + CODE_GROUP_LENGTH] for i in range(0, len(plain), CODE_GROUP_LENGTH))
