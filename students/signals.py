"""Signals other apps listen to (students imports none of them): a pupil's aanmelding got a new current status;
a pupil got a BSN."""

from django.dispatch import Signal

# Sent after commit-ready changes with: aanmelding, previous (status or None), source ("feed" or "hand").
current_status_changed = Signal()

# Sent after the commit when a pupil was saved with a BSN it did not have before (a new pupil with a BSN, or a
# BSN added to a pupil without one), with: pupil. The mbo feed matches rows that waited for this pupil.
pupil_bsn_set = Signal()
