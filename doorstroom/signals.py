"""Signals for other parts of VOROC (the audit log hooks in here): doorstroom sends, it never listens to itself."""

from django.dispatch import Signal

# Sent after a save changed answers, with: form, user, changes (a list of services.FieldChange: key, label,
# step, old, new). The values can be care data: a receiver stores them as carefully as the form itself.
form_saved = Signal()

# Sent after a version was delivered to mbo-schools, with: form, snapshot, deliveries.
form_sent = Signal()
