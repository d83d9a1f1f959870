"""One line in the audit log about a pupil's dossier ("doorstroomdossier <id>: …"): by the pupil, unless the mentor (a
user, or the name a pupil typed for a mentor without an account) or the system is named. Never an answer's value."""

from __future__ import annotations

from accounts.models import User
from audit.models import Action
from audit.services import record_event

from .models import Dossier


def record(dossier: Dossier, text: str, *, action: str = Action.CHANGE, by: User | None = None, name: str = "") -> None:
    if by is None and not name:
        by = dossier.account.user
    record_event(
        action, user=by, name=name, summary=f"doorstroomdossier {dossier.pk}: {text}", pupil=dossier.account.pupil
    )
