"""The inbox: files an mbo-school drops in ``FEEDBACK_INBOX/<BRIN>/`` (an SFTP drop in production).

A pickup (Celery beat daily, or on demand) takes every settled file, stores it as a batch (sealed in the
database) and then removes it from the inbox: a file full of BSNs does not stay on disk in plain text. In
its place a receipt without personal data goes to ``<BRIN>/processed/`` (accepted, with the batch number
and where its report is) or ``<BRIN>/failed/`` (not readable, with the reason). A file over the size limit
cannot be stored: it is moved unread into ``failed/`` beside its receipt, so nothing the school delivered is
lost, and removed after the retention period ``feed_refused_files``. A file that cannot be stored stays
where it is and is tried again at the next pickup.

Files still being uploaded are left alone: names starting with a dot or ending in ``.part``, ``.tmp`` or
``.filepart``, and files changed in the last FEEDBACK_INBOX_SETTLE_SECONDS.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Organisation, OrganisationKind

from .models import Batch, BatchState, Transport
from .parser import guess_format, scrub
from .services import receive, refuse_too_large

logger = logging.getLogger(__name__)

PROCESSED, FAILED = "processed", "failed"
UPLOADING_SUFFIXES = (".part", ".tmp", ".filepart", ".partial")
LOCK_KEY, LOCK_SECONDS = "feedback:inbox-pickup", 3600


def root() -> Path:
    return Path(settings.FEEDBACK_INBOX)


def folder_for(school: Organisation) -> Path:
    return root() / school.code


def ensure_folders() -> list[Path]:
    """An inbox folder (with processed/ and failed/) for every connected mbo-school."""
    folders = []
    for school in Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL, connected=True).order_by("code"):
        folder = folder_for(school)
        for sub in (folder / PROCESSED, folder / FAILED):
            sub.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    return folders


def _settled(path: Path, now: float) -> bool:
    name = path.name
    if name.startswith(".") or name.lower().endswith(UPLOADING_SUFFIXES):
        return False
    return now - path.stat().st_mtime >= settings.FEEDBACK_INBOX_SETTLE_SECONDS


def pickup() -> list[Batch]:
    """Take every settled file from the inbox folders of the connected mbo-schools; returns the new batches."""
    if not cache.add(LOCK_KEY, "1", LOCK_SECONDS):
        logger.info("Feed inbox pickup skipped: another pickup is running.")
        return []
    try:
        return _pickup()
    finally:
        cache.delete(LOCK_KEY)


def _pickup() -> list[Batch]:
    batches: list[Batch] = []
    ensure_folders()
    schools = {o.code: o for o in Organisation.objects.filter(kind=OrganisationKind.MBO_SCHOOL)}
    now = time.time()
    for folder in sorted(p for p in root().iterdir() if p.is_dir()):
        school = schools.get(folder.name.upper())
        if school is None or not school.connected:
            if any(p.is_file() for p in folder.iterdir()):
                logger.warning("Feed inbox folder %s belongs to no connected mbo-school; its files wait.", folder.name)
            continue
        # In the order they arrived (then by name): the contract is order-safe, but meldingen follow this order.
        for path in sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: (p.stat().st_mtime, p.name)):
            if not _settled(path, now):
                continue
            try:
                batch = _take(school, path)
            except Exception:
                logger.exception(
                    "Feed inbox file %s/%s could not be stored; it stays for the next pickup.",
                    folder.name,
                    scrub(path.name),
                )
                continue
            batches.append(batch)
    return batches


def _take(school: Organisation, path: Path) -> Batch:
    sender = scrub(f"{school.code}/{path.name}")
    size = path.stat().st_size
    if size > settings.FEEDBACK_MAX_BYTES:
        batch = refuse_too_large(school=school, size=size, transport=Transport.INBOX, sender=sender, filename=path.name)
    else:
        data = path.read_bytes()
        batch = receive(
            school=school,
            data=data,
            transport=Transport.INBOX,
            fmt=guess_format(path.name, data),
            sender=sender,
            filename=path.name,
        )
    # Stored (committed): the plain-text file goes, a receipt without personal data takes its place.
    _write_receipt(path, batch)
    if batch.payload:
        path.unlink()
    else:  # too large to store: kept unread beside its receipt (and its time starts now, for the retention)
        kept = path.replace(refused_path(path, batch))
        kept.touch()
    logger.info("Feed inbox file %s stored as batch %s.", sender, batch.pk)
    return batch


def refused_retention_days() -> int:
    from accounts.retention import categories

    return next(c.days for c in categories() if c.key == "feed_refused_files")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:150]


REFUSED_SUFFIX = ".te-groot"


def refused_path(path: Path, batch: Batch) -> Path:
    return path.parent / FAILED / f"{_safe_name(scrub(path.name))}.levering-{batch.pk}{REFUSED_SUFFIX}"


def refused_files(cutoff: datetime.datetime) -> list[Path]:
    """Files kept unread in a ``failed/`` folder because they were too large, refused before ``cutoff``."""
    if not root().is_dir():
        return []
    limit = cutoff.timestamp()
    return [p for p in root().glob(f"*/{FAILED}/*{REFUSED_SUFFIX}") if p.is_file() and p.stat().st_mtime < limit]


def _write_receipt(path: Path, batch: Batch) -> None:
    failed = batch.state == BatchState.FAILED
    target = path.parent / (FAILED if failed else PROCESSED)
    target.mkdir(exist_ok=True)
    receipt = target / f"{_safe_name(scrub(path.name))}.levering-{batch.pk}.txt"
    base = settings.VOROC_BASE_URL.rstrip("/")
    with override("nl"):
        lines = [
            _("VOROC – ontvangstbewijs van een levering"),
            "",
            _("Bestand: %(name)s") % {"name": scrub(path.name)},
            _("Ontvangen: %(when)s") % {"when": timezone.localtime(batch.received_at).strftime("%d-%m-%Y %H:%M:%S")},
            _("Levering: %(id)s") % {"id": batch.pk},
            _("Grootte: %(size)s bytes") % {"size": batch.size},
            _("SHA-256: %(checksum)s") % {"checksum": batch.checksum or "-"},
            _("Stand: %(state)s") % {"state": batch.get_state_display()},
        ]
        if failed:
            lines.append(_("Reden: %(reason)s") % {"reason": batch.failure})
        if batch.duplicate_of_id:
            lines.append(_("Let op: gelijk aan levering %(id)s (dezelfde inhoud).") % {"id": batch.duplicate_of_id})
        lines += [
            _("Verslag: %(url)s") % {"url": base + reverse("feedback:batch", args=[batch.pk])},
            _("Verslag via de API: %(url)s") % {"url": base + reverse("feedback_api:batch", args=[batch.pk])},
            "",
        ]
        if batch.payload:
            lines.append(_("Het bestand is versleuteld opgeslagen in VOROC en uit het postvak verwijderd."))
        else:
            lines.append(
                _(
                    "Het bestand is niet ingelezen en staat onveranderd in deze map als %(name)s. Lever het opnieuw "
                    "aan in delen van ten hoogste %(max)s bytes. Het wordt na %(days)s dagen verwijderd."
                )
                % {
                    "name": refused_path(path, batch).name,
                    "max": settings.FEEDBACK_MAX_BYTES,
                    "days": refused_retention_days(),
                }
            )
    receipt.write_text("\n".join(lines) + "\n", encoding="utf-8")
