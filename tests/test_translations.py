"""Dutch is the source language; every string the interface shows has an English translation."""

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def msgids(po_text: str) -> set[str]:
    """The msgids of a .po file (continuation lines joined), without obsolete entries and the header."""
    ids, current, in_id = set(), None, False
    for line in po_text.splitlines():
        if line.startswith("#~"):
            continue
        if line.startswith("msgid "):
            current, in_id = line[6:].strip()[1:-1], True
        elif line.startswith('"') and in_id:
            current += line.strip()[1:-1]
        else:
            if in_id and current:
                ids.add(current.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
            in_id = False
    return ids


def test_every_translatable_string_is_in_the_english_catalogue(tmp_path, settings):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: scripts/test installs it (apt-get install gettext)")
    # A copy of the sources, so makemessages cannot touch the committed catalogue.
    source = tmp_path / "src"
    for folder in (
        "accounts",
        "audit",
        "students",
        "groups",
        "doorstroom",
        "feedback",
        "notifications",
        "gemeente",
        "verzuim",
        "dossier",
        "voroc",
        "templates",
    ):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    cwd = os.getcwd()
    os.chdir(source)
    try:
        call_command("makemessages", locale=["en"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = msgids((source / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text())
    committed = msgids(PO.read_text())
    missing = sorted(fresh - committed)
    assert not missing, f"not in locale/en (run makemessages -l en and translate): {missing[:10]}"


def test_the_catalogue_is_complete_and_compiled():
    text = PO.read_text()
    assert "#, fuzzy" not in text, "fuzzy translations left in locale/en"
    assert not re.search(r'^msgstr(\[\d\])? ""\n\n', text[text.index("\n\n") :], re.M), "empty translations"
    catalogue = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    compiled = {k[0] if isinstance(k, tuple) else k for k in catalogue} - {""}
    assert msgids(text) <= compiled, "django.mo is older than django.po: run msgfmt (compilemessages)"
