"""Signals other apps listen to (students imports none of them): a pupil's aanmelding got a new current status."""

from django.dispatch import Signal

# Sent after commit-ready changes with: aanmelding, previous (status or None), source ("feed" or "hand").
current_status_changed = Signal()

# Sent with ``pupil`` (and ``reason``: "avg" or "retention") just before a pupil is removed completely; apps
# remove what does not go with the pupil's row by itself (stored files, rows matched by the BSN's index).
pupil_removing = Signal()
