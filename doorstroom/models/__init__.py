from .declaration import Declaration
from .files import Attachment, SnapshotAttachment, StoredFile
from .form import FormDraft, FormRevision, Formulier
from .sending import Delivery, Snapshot

__all__ = [
    "Attachment",
    "Declaration",
    "Delivery",
    "FormDraft",
    "FormRevision",
    "Formulier",
    "Snapshot",
    "SnapshotAttachment",
    "StoredFile",
]
