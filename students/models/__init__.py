from .aanmelding import (
    MAX_AANMELDINGEN_PER_MBO_SCHOOL,
    STATUS_CODES,
    Aanmelding,
    Elders,
    EldersKind,
    FlagChange,
    SchoolYearStart,
    Status,
    StatusChange,
    StatusSource,
)
from .catalogue import Leerweg, Location, Opleiding
from .export import ExportJob
from .pupil import (
    NO_BSN_CODE_PREFIX,
    Geslacht,
    Pupil,
    SchoolLink,
    Source,
    new_no_bsn_code,
    normalise_postcode,
    validate_birth_date,
    validate_postcode,
)
from .pupil_import import ImportMapping, PupilImport

__all__ = [
    "MAX_AANMELDINGEN_PER_MBO_SCHOOL",
    "NO_BSN_CODE_PREFIX",
    "STATUS_CODES",
    "Aanmelding",
    "Elders",
    "EldersKind",
    "ExportJob",
    "FlagChange",
    "ImportMapping",
    "Geslacht",
    "Leerweg",
    "Location",
    "Opleiding",
    "Pupil",
    "PupilImport",
    "SchoolLink",
    "SchoolYearStart",
    "Source",
    "Status",
    "StatusChange",
    "StatusSource",
    "new_no_bsn_code",
    "normalise_postcode",
    "validate_birth_date",
    "validate_postcode",
]
