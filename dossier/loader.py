"""The dossier declarations that ship with VOROC (declarations/<kind>.json), stored as versions the way the
doorstroomformulier's are (doorstroom.loader.store_version): a dossier keeps the version it was started under, a
changed file becomes a new version as soon as a dossier used the old one."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from doorstroom.loader import Loaded, read, store_version

from .declaration import KINDS, parse
from .models import DossierDeclaration

SHIPPED = Path(__file__).resolve().parent / "declarations"


@transaction.atomic
def load(*, document: dict, source: str = "") -> Loaded:
    parsed = parse(document)  # DeclarationError says what is wrong and where
    return store_version(
        DossierDeclaration.objects.filter(kind=parsed.kind),
        document=document,
        title=parsed.title,
        source=source,
        fields={"kind": parsed.kind},
    )


def shipped(kind: str) -> DossierDeclaration:
    """The declaration a new dossier of ``kind`` is started under: the shipped file, stored where new or changed."""
    path = SHIPPED / f"{kind}.json"
    return load(document=read(path), source=path.name).declaration


def load_shipped() -> int:
    """Every shipped kind where missing or changed (seed_demo); how many were new or changed."""
    changed = 0
    for kind in KINDS:
        path = SHIPPED / f"{kind}.json"
        changed += load(document=read(path), source=path.name).outcome != "unchanged"
    return changed
