"""Loading a declaration from its JSON file: checked completely, then stored as a version.

Unchanged content: nothing happens. Changed content while the newest version is not used by any form yet:
that version is replaced. Changed content after a form used it: a new version (the old one stays, so the
forms filled under it still show and print as they were).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from .declaration import DeclarationError, parse
from .models import Declaration
from .models.declaration import checksum


@dataclass(frozen=True)
class Loaded:
    declaration: Any  # a doorstroom Declaration, or a dossier's DossierDeclaration (dossier/loader.py)
    outcome: str  # "new" | "unchanged" | "replaced" | "new version"


def read(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DeclarationError(f"{path}: cannot be read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise DeclarationError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return document


@transaction.atomic
def load(*, document: dict, region: str | None = None, school_year: int | None = None, source: str = "") -> Loaded:
    parsed = parse(document)  # DeclarationError says what is wrong and where
    region = region or document.get("region")
    school_year = school_year or document.get("school_year")
    if not region or not isinstance(school_year, int):
        raise DeclarationError("say which region and school year the declaration is for (in the file or as options)")
    for key, given in (("region", region), ("school_year", school_year)):
        if document.get(key) not in (None, given):
            raise DeclarationError(f"the file says {key} {document[key]!r}, not {given!r}")
    return store_version(
        Declaration.objects.filter(region=region, school_year=school_year),
        document=document,
        title=parsed.title,
        source=source,
        fields={"region": region, "school_year": school_year},
    )


def store_version(versions: QuerySet, *, document: dict, title: str, source: str, fields: dict) -> Loaded:
    """Store a checked document among ``versions`` (the stored versions of one questionnaire, locked while this
    runs): unchanged → nothing; the newest not used yet → replaced; else a new version. Also the pupil's dossier
    declarations (dossier/loader.py) are kept this way."""
    model = versions.model
    newest = versions.select_for_update().order_by("-version").first()
    digest = checksum(document)
    if newest is not None and newest.checksum == digest:
        return Loaded(newest, "unchanged")
    if newest is not None and not newest.in_use:
        newest.document, newest.title, newest.source = document, title[:200], source
        newest.save()
        return Loaded(newest, "replaced")
    declaration = model(
        **fields,
        version=(newest.version + 1) if newest else 1,
        document=document,
        title=title[:200],
        source=source,
    )
    declaration.full_clean()
    declaration.save()
    return Loaded(declaration, "new version" if newest else "new")


SHIPPED = Path(__file__).resolve().parent / "declarations"


def load_shipped() -> int:
    """The declarations that ship with VOROC (declarations/*.json), loaded where missing or changed (the data
    migration loads them on a new database; this puts them back in a demo database that was emptied).
    Returns how many were new or changed."""
    changed = 0
    for path in sorted(SHIPPED.glob("*.json")):
        changed += load(document=read(path), source=path.name).outcome != "unchanged"
    return changed
