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
from .dossiers import Dossier, DossierDeclaration, DossierState

__all__ = [
    "CODE_VALID",
    "INVITATION_VALID",
    "VERIFICATION_VALID",
    "AccountSource",
    "AccountState",
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
