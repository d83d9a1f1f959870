"""Attachments: real PDFs only, at most 10 MB each, at most 5 per form, never holding a BSN.

A file is checked by its content, not its name: it must start with the PDF signature and pypdf must be
able to open it (not encrypted, at least one page). Its text, properties, comments, form fields and
bookmarks must not hold a number that passes as a BSN (the BSN never leaves VOROC, also not inside an
attachment); it must hold no script, no action that starts by itself, no embedded file, and not be another
kind of file at the same time. pypdf reads it in a child process with a budget of time and memory
(doorstroom.pdfcheck): a crafted file costs the server that budget, not minutes. An upload larger than the
limit is dropped while it streams in (accounts.uploads), so it is never held whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from students.bsn import mask_bsn_like

from .declaration import ATTACHMENT, MAX_ATTACHMENTS
from .models import Attachment, FormDraft, Formulier, StoredFile
from .models.files import blob_path
from .selectors import working_attachments
from .services import ensure_editable, user_name

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
PDF_SIGNATURE = b"%PDF-"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def too_large_message(name: str) -> str:
    return _(
        "“%(name)s” is groter dan %(max)s MB en is niet toegevoegd. Maak het bestand kleiner en probeer het opnieuw."
    ) % {
        "name": name,
        "max": MAX_BYTES // (1024 * 1024),
    }


def _refusal(reason: str, name: str) -> str:
    """The Dutch message for a reason of doorstroom.pdfcheck."""
    messages = {
        "encrypted": _(
            "“%(name)s” is beveiligd met een wachtwoord. Het mbo kan het dan niet openen: voeg een pdf zonder wachtwoord toe."
        ),
        "no_pages": _("“%(name)s” heeft geen pagina's."),
        "bsn_text": _(
            "“%(name)s” lijkt een BSN te bevatten (een nummer van 9 cijfers dat aan de elfproef voldoet). Het BSN "
            "gaat niet mee naar het mbo: haal het uit het document en voeg het opnieuw toe."
        ),
        "bsn_metadata": _(
            "Het PDF-bestand “%(name)s” bevat een BSN in de documenteigenschappen (titel, auteur, onderwerp of "
            "trefwoorden). Het BSN gaat niet mee naar het mbo: haal het daar weg en voeg het bestand opnieuw toe."
        ),
        "bsn_annotations": _(
            "Het PDF-bestand “%(name)s” bevat een BSN in een opmerking, notitie of link. Het BSN gaat niet mee naar "
            "het mbo: haal het daar weg en voeg het bestand opnieuw toe."
        ),
        "bsn_fields": _(
            "Het PDF-bestand “%(name)s” bevat een BSN in een formulierveld. Het BSN gaat niet mee naar het mbo: haal "
            "het daar weg en voeg het bestand opnieuw toe."
        ),
        "bsn_outline": _(
            "Het PDF-bestand “%(name)s” bevat een BSN in een bladwijzer. Het BSN gaat niet mee naar het mbo: haal het "
            "daar weg en voeg het bestand opnieuw toe."
        ),
        "script": _(
            "Het PDF-bestand “%(name)s” bevat een script of een actie die vanzelf start (of een programma of "
            "website opent). Zo'n bestand gaat niet mee naar het mbo: sla het opnieuw op als PDF (bijvoorbeeld via "
            "Afdrukken → Opslaan als PDF) en probeer het nog eens."
        ),
        "embedded": _(
            "Het PDF-bestand “%(name)s” bevat ingesloten bestanden. Die gaan niet mee naar het mbo: voeg elk "
            "bestand apart als PDF toe, of sla het opnieuw op als PDF (bijvoorbeeld via Afdrukken → Opslaan als "
            "PDF) en probeer het nog eens."
        ),
        "polyglot": _(
            "Het PDF-bestand “%(name)s” is tegelijk een ander soort bestand (HTML of ZIP). Zo'n bestand gaat niet "
            "mee naar het mbo: sla het opnieuw op als PDF (bijvoorbeeld via Afdrukken → Opslaan als PDF) en probeer "
            "het nog eens."
        ),
        "too_complex": _(
            "Dit PDF-bestand (“%(name)s”) is te ingewikkeld om te controleren; sla het opnieuw op als PDF "
            "(bijvoorbeeld via Afdrukken → Opslaan als PDF) en probeer het nog eens."
        ),
    }
    message = messages.get(
        reason, _("“%(name)s” kan niet worden geopend: het bestand is beschadigd of geen echte pdf.")
    )
    return message % {"name": name}


def _verdict(data: bytes) -> dict:
    """The verdict of doorstroom.pdfcheck on these bytes, run in a child process with a budget of
    settings.VOROC_PDF_CHECK_SECONDS of CPU plus VOROC_PDF_CHECK_SECONDS_PER_PAGE per page (at most
    VOROC_PDF_CHECK_MAX_SECONDS) and VOROC_PDF_CHECK_MEGABYTES of address space, waited for at most
    VOROC_PDF_CHECK_WAIT_SECONDS."""
    command = [
        sys.executable,
        "-m",
        "doorstroom.pdfcheck",
        "--cpu",
        str(settings.VOROC_PDF_CHECK_SECONDS),
        "--per-page",
        str(settings.VOROC_PDF_CHECK_SECONDS_PER_PAGE),
        "--max-cpu",
        str(settings.VOROC_PDF_CHECK_MAX_SECONDS),
        "--mb",
        str(settings.VOROC_PDF_CHECK_MEGABYTES),
    ]
    wait = settings.VOROC_PDF_CHECK_WAIT_SECONDS
    try:
        done = subprocess.run(  # noqa: S603 (a fixed command: this interpreter and module; the file goes to stdin)
            command, input=data, capture_output=True, timeout=wait, cwd=settings.BASE_DIR, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        logger.info("attachment refused: no verdict within %s s", wait)
        return {"verdict": "too_complex"}
    try:
        verdict = json.loads(done.stdout)
    except ValueError:
        # Stopped at its CPU or memory limit (or broken): nothing of the file is logged, only how it ended.
        logger.info("attachment refused: the check ended with %s and no verdict", done.returncode)
        return {"verdict": "too_complex"}
    return verdict if isinstance(verdict, dict) else {"verdict": "too_complex"}


def check_pdf(upload: UploadedFile) -> tuple[str, int]:
    """The file's SHA-256 and page count, or a ValidationError saying in Dutch why it is refused.

    Reading a PDF can take any amount of time and memory a crafted file asks for, so pypdf reads it in a child
    process with a budget (doorstroom.pdfcheck, which also lists what is refused)."""
    name = upload.name or _("het bestand")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(too_large_message(name))
    upload.seek(0)
    if not upload.read(len(PDF_SIGNATURE)) == PDF_SIGNATURE:
        raise ValidationError(
            _(
                "“%(name)s” is geen pdf-bestand (de inhoud is geen pdf, wat de naam ook zegt). Alleen pdf-bestanden kunnen als bijlage mee."
            )
            % {"name": name}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        raise ValidationError(too_large_message(name))
    verdict = _verdict(data)
    if verdict.get("verdict") != "ok":
        logger.info("attachment refused: %s", verdict.get("verdict"))
        raise ValidationError(_refusal(str(verdict.get("verdict")), name))
    return hashlib.sha256(data).hexdigest(), int(verdict["pages"])


def stored_file(*, sha: str, size: int, pages: int, content) -> StoredFile:
    """The StoredFile of this content: the one there is, or a new one (its bytes written once, by hash)."""
    blob = StoredFile.objects.filter(sha256=sha).first()
    if blob is not None:
        return blob
    blob = StoredFile(sha256=sha, size=size, pages=pages)
    storage = blob.file.storage
    path = blob_path(blob, "")
    if storage.exists(path):  # the same bytes were stored before (the name is their hash)
        blob.file.name = path
    else:
        blob.file.save(path, content, save=False)
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        return StoredFile.objects.get(sha256=sha)
    return blob


def _clean_name(name: str) -> str:
    """The file name as the mbo sees it: no control characters or folders, and no number that could be a BSN."""
    name = mask_bsn_like(re.sub(r"[\x00-\x1f/\\]", "", name or "")).strip() or "bijlage.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-150:]


@transaction.atomic
def add_attachment(*, form: Formulier, draft: FormDraft, field_key: str, upload: UploadedFile) -> Attachment:
    """Add a checked PDF to the user's working copy; it becomes part of the form on "Opslaan"."""
    form = Formulier.objects.select_for_update().select_related("declaration", "pupil").get(pk=form.pk)
    ensure_editable(form)
    fld = form.declaration.parsed().fields.get(field_key)
    if fld is None or fld.type != ATTACHMENT:
        raise ValidationError(_("Dit formulier kent geen bijlage met deze naam."))
    name = _clean_name(upload.name or "")
    seen = working_attachments(form, draft)
    if len(seen) >= MAX_ATTACHMENTS:
        raise ValidationError(
            _(
                "“%(name)s” is niet toegevoegd: bij een formulier horen hoogstens %(max)s bijlagen. Verwijder eerst een andere bijlage."
            )
            % {"name": name, "max": MAX_ATTACHMENTS}
        )
    if sum(1 for a in seen if a.field == field_key) >= fld.max_files:
        raise ValidationError(
            _(
                "“%(name)s” is niet toegevoegd: bij “%(field)s” hoort hoogstens %(max)s bestand. Verwijder eerst het vorige."
            )
            % {"name": name, "field": fld.label, "max": fld.max_files}
        )
    sha, pages = check_pdf(upload)
    blob = stored_file(sha=sha, size=upload.size or 0, pages=pages, content=upload)
    if draft.pk is None:
        draft.save()
    return Attachment.with_pending.create(
        form=form,
        field=field_key,
        name=name,
        blob=blob,
        uploaded_by=draft.user,
        uploaded_by_name=user_name(draft.user),
        pending_for=draft,
    )


@transaction.atomic
def remove_attachment(*, draft: FormDraft, attachment: Attachment) -> None:
    """Remove an attachment in the working copy: one added since the last save goes at once; a saved one goes
    on "Opslaan" (until then "Annuleer" brings it back)."""
    form = Formulier.objects.select_for_update().select_related("declaration", "pupil").get(pk=attachment.form_id)
    ensure_editable(form)
    if attachment.pending_for_id is not None:
        if attachment.pending_for_id == draft.pk:
            attachment.delete()  # the stored file goes when nothing else points to it (receivers.release_blob)
        return
    if attachment.pk not in draft.removed_attachments:
        draft.removed_attachments = [*draft.removed_attachments, attachment.pk]
        draft.save()


def release(blob_id: int) -> None:
    """Remove a stored file once no attachment and no sent snapshot points to it any more."""
    blob = StoredFile.objects.filter(pk=blob_id).first()
    if blob is None or blob.referenced:
        return
    path, storage = blob.file.name, blob.file.storage
    blob.delete()
    transaction.on_commit(lambda: storage.delete(path))
