"""Signals other apps listen to (students imports none of them): a pupil's aanmelding got a new current status."""

from django.dispatch import Signal

# Sent after commit-ready changes with: aanmelding, previous (status or None), source ("feed" or "hand").
current_status_changed = Signal()
