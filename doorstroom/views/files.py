"""Downloads of attachments, only through the access rule; always as a download, never shown inline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from accounts.access import AuthenticatedRequest
from students.selectors import get_pupil_for_user, pupils_visible_to

from ..access import form_rights
from ..models import Attachment, Declaration, SnapshotAttachment, StoredFile


def _download(blob: StoredFile, name: str) -> FileResponse:
    response = FileResponse(blob.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _step_is_care(declaration: Declaration, field_key: str) -> bool:
    spec = declaration.parsed()
    fld = spec.fields.get(field_key)
    step = spec.step(fld.step) if fld else None  # a field's step is always in its declaration
    return bool(step and step.care)


@login_required
@require_GET
def attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """An attachment of a school's working version: the school's staff who may read the form (one added but not
    saved yet: only who added it)."""
    found = (
        Attachment.with_pending.select_related("blob", "form", "form__declaration", "pending_for")
        .filter(pk=pk, form__pupil__in=pupils_visible_to(request.user))
        .first()
    )
    if found is None or (found.pending_for is not None and found.pending_for.user_id != request.user.pk):
        raise Http404  # one not saved yet is only for who added it
    _pupil, pupil_rights = get_pupil_for_user(request.user, found.form.pupil_id)
    rights = form_rights(request.user, pupil_rights)
    if not rights.read_drafts:
        raise Http404  # an mbo-school only knows what was sent to it
    if _step_is_care(found.form.declaration, found.field) and not rights.read_care:
        raise Http404
    return _download(found.blob, found.name)


@login_required
@require_GET
def sent_attachment(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """An attachment as it was sent: the school's staff, and the mbo-schools it was sent to."""
    found = (
        SnapshotAttachment.objects.select_related("blob", "snapshot", "snapshot__form", "snapshot__declaration")
        .filter(pk=pk, snapshot__form__pupil__in=pupils_visible_to(request.user))
        .first()
    )
    if found is None:
        raise Http404
    _pupil, pupil_rights = get_pupil_for_user(request.user, found.snapshot.form.pupil_id)
    rights = form_rights(request.user, pupil_rights)
    if not rights.read:
        raise Http404
    if (
        rights.mbo_school_id is not None
        and not found.snapshot.deliveries.filter(mbo_school_id=rights.mbo_school_id).exists()
    ):
        raise Http404
    if _step_is_care(found.snapshot.declaration, found.field) and not rights.read_care:
        raise Http404
    return _download(found.blob, found.name)
