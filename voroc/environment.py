"""What VOROC reads from the environment before Django starts: strict yes/no flags and the development secrets.

Settings only read: they write no file. The development secrets (``var/dev-secrets.json``) are made once by
``prepare_development()``, which ``manage.py``, ``scripts/demo`` and ``scripts/test`` run before Django starts;
in production (``VOROC_PRODUCTION=1``) nothing is made and every secret must come from the environment.

Run as ``python -m voroc.environment`` to prepare a development checkout (the var folder and its secrets).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_NAMES = ("SECRET_KEY", "BSN_ENCRYPTION_KEYS", "BSN_INDEX_KEY")
_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"0", "false", "no", "off"})


def flag(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off (any case); empty or unset is ``default``.

    Anything else (a typo such as "ture") stops the start: a misspelt VOROC_PRODUCTION must not quietly mean
    development, nor a misspelt AXES_ENABLED switch the lockout off.
    """
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes or no: use 1/0, true/false, yes/no or on/off, or leave it unset."
    )


def var_dir() -> Path:
    return Path(os.environ.get("VOROC_VAR_DIR", BASE_DIR / "var"))


def dev_secrets_path(folder: Path) -> Path:
    return folder / "dev-secrets.json"


def read_dev_secrets(folder: Path) -> dict[str, str] | None:
    """The development secrets made by ``prepare_development()``, or None when there are none yet."""
    try:
        return json.loads(dev_secrets_path(folder).read_text())
    except FileNotFoundError:
        return None


def _write_dev_secrets(folder: Path) -> None:
    """Make the secrets once: written to a temporary file and linked into place, so two processes starting
    together cannot overwrite each other's keys or read half a file."""
    path = dev_secrets_path(folder)
    if path.exists():
        return
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BSN_ENCRYPTION_KEYS": "1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "BSN_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    temporary = folder / f".dev-secrets.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(values, out, indent=2)
    try:
        with contextlib.suppress(FileExistsError):  # another process was first: its keys stand
            os.link(temporary, path)
    finally:
        temporary.unlink()


def prepare_development() -> None:
    """Development and the demo: the var folder (SQLite, static, mail) and the secrets, made once per checkout.
    Does nothing in production."""
    if flag("VOROC_PRODUCTION"):
        return
    folder = var_dir()
    (folder / "static").mkdir(parents=True, exist_ok=True)
    if not all(os.environ.get(name) for name in DEV_SECRET_NAMES):
        _write_dev_secrets(folder)


if __name__ == "__main__":
    prepare_development()
