"""Uploads limited while they arrive: a view says how large one file may be (``@upload_limit``), and the upload
handler (settings.FILE_UPLOAD_HANDLERS) drops a larger file chunk by chunk, so it is never held whole, while
the request's other fields still count. Views without a limit are not touched.

A handler on the settings' list (not one inserted by the view) keeps Django's CSRF check as it is: that check
reads the posted form before any view runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def upload_limit(max_bytes: int) -> Callable:
    """Mark a view: each uploaded file may be at most ``max_bytes``."""

    def mark(view: Callable) -> Callable:
        view.upload_limit = max_bytes  # type: ignore[attr-defined]  # kept by functools.wraps decorators
        return view

    return mark


class LimitedUploadHandler(FileUploadHandler):
    """``too_large`` names the files it dropped: (posted field name, file name)."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        match = getattr(request, "resolver_match", None)
        self.limit = limit if limit is not None else getattr(getattr(match, "func", None), "upload_limit", None)
        self.received = 0
        self.too_large: list[tuple[str, str]] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if self.limit is None:
            return raw_data
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large.append((self.field_name or "", self.file_name or ""))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


def dropped_files(request) -> list[tuple[str, str]]:
    """The files of this request that were too large for its view."""
    handler = next((h for h in getattr(request, "upload_handlers", []) if isinstance(h, LimitedUploadHandler)), None)
    return handler.too_large if handler else []
