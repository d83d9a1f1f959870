"""The pupil's side: their account and registration (accounts.py), and their own doorstroomdossiers (dossiers.py)."""

from .accounts import (
    CODE_VALID,
    INVITATION_VALID,
    VERIFICATION_VALID,
    AccountSource,
    AccountState,
    PupilAccount,
    Registration,
    RegistrationKind,
    RegistrationStatus,
    SchoolCode,
    WaitReason,
)
from .dossiers import MENTOR_LINK_VALID, Consent, Dossier, DossierDeclaration, DossierKind, DossierState

__all__ = [
    "CODE_VALID",
    "INVITATION_VALID",
    "VERIFICATION_VALID",
    "AccountSource",
    "AccountState",
    "Consent",
    "DossierKind",
    "MENTOR_LINK_VALID",
    "Dossier",
    "DossierDeclaration",
    "DossierState",
    "PupilAccount",
    "Registration",
    "RegistrationKind",
    "RegistrationStatus",
    "SchoolCode",
    "WaitReason",
]
