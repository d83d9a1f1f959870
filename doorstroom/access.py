"""Who may do what with a pupil's doorstroomformulier, derived from the one access rule (students.selectors).

* decaan schoolbeheerder and decaan: read, fill in every step, approve (accorderen), correct, mail;
* mentor (the pupils of their groups): read and fill in every step, mail; not approve;
* zorgcoördinator: read everything, fill in only the care steps (aandachtspunten, ondersteuning, doelgroep);
* ROC-gebruiker: read what was sent to their mbo-school, nothing else (no working versions, no editing);
* everyone else: nothing. Care steps are read by these roles only.

Outside the pupil scope: 404 (get_pupil_for_user). In scope without the right to read the form: 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User
from students.models import Pupil
from students.selectors import PupilRights, get_pupil_for_user

from .declaration import Step


@dataclass(frozen=True)
class FormRights:
    read: bool = False
    read_drafts: bool = False  # the school's own versions, not only what was sent
    read_care: bool = False
    fill: bool = False  # the steps that are not about care
    fill_care: bool = False
    approve: bool = False
    correct: bool = False
    mail: bool = False
    mbo_school_id: int | None = None  # an mbo-school's user: only what was sent to this school

    @property
    def fill_any(self) -> bool:
        return self.fill or self.fill_care

    def may_read(self, step: Step) -> bool:
        return self.read and (self.read_care or not step.care)

    def may_edit(self, step: Step) -> bool:
        return self.fill_care if step.care else self.fill


_SCHOOL = {"read": True, "read_drafts": True, "read_care": True}
ROLE_RIGHTS: dict[str, FormRights] = {
    Role.DECAAN_BEHEERDER: FormRights(**_SCHOOL, fill=True, fill_care=True, approve=True, correct=True, mail=True),
    Role.DECAAN: FormRights(**_SCHOOL, fill=True, fill_care=True, approve=True, correct=True, mail=True),
    Role.MENTOR: FormRights(**_SCHOOL, fill=True, fill_care=True, mail=True),
    Role.ZORGCOORDINATOR: FormRights(**_SCHOOL, fill_care=True),
}


def form_rights(user: User, pupil_rights: PupilRights) -> FormRights:
    if pupil_rights.mbo_school_id is not None:
        return FormRights(read=True, read_care=True, mbo_school_id=pupil_rights.mbo_school_id)
    return ROLE_RIGHTS.get(user.role, FormRights())


def get_pupil_with_form_rights(user: User, pk: int, *, drafts: bool = True) -> tuple[Pupil, FormRights]:
    """The pupil (404 outside the scope) and the user's rights on its form (403 without any).

    ``drafts``: the page shows the school's own versions (the vo side), which an mbo-school may not read."""
    pupil, pupil_rights = get_pupil_for_user(user, pk)
    rights = form_rights(user, pupil_rights)
    if not rights.read or (drafts and not rights.read_drafts):
        raise PermissionDenied
    return pupil, rights
