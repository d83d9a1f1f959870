"""Where a dossier goes after part A (seed, steps 16–21): to the mentor for part B (VO-MBO; dossier/mentor.py), then
back to the pupil for the akkoordverklaring (dossier/akkoord.py); a dossier without a mentor's part goes to the
akkoordverklaring at once. Only a complete part A moves on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .filling import progress_of
from .history import record
from .models import Dossier, DossierState
from .selectors import locked_dossier


def check_part_a_complete(dossier: Dossier) -> None:
    if dossier.state != DossierState.DEEL_A:
        raise ValidationError(_("Dit dossier is %(state)s.") % {"state": dossier.get_state_display()})
    if dossier.invalid:
        raise ValidationError(_("Er staat nog iets in je dossier dat niet goed is ingevuld. Verbeter dat eerst."))
    if not progress_of(dossier).complete:
        raise ValidationError(_("Vul eerst alles in: elke bladzijde moet helemaal ingevuld zijn (100%)."))


@transaction.atomic
def finish_part_a(*, dossier: Dossier) -> Dossier:
    """A dossier without a mentor's part (MBO-MBO, Werk(loos)-MBO): part A complete, on to the akkoordverklaring."""
    fresh = locked_dossier(dossier.pk)
    if fresh.spec.has_mentor:
        raise ValidationError(_("Dit dossier gaat eerst naar je mentor."))
    check_part_a_complete(fresh)
    fresh.state = DossierState.AKKOORD
    fresh.akkoord_since = timezone.now()
    fresh.save()
    record(fresh, "deel A klaar, naar de akkoordverklaring")
    return fresh
