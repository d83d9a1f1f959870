"""Signals other apps listen to (students imports none of them): a pupil's aanmelding got a new current status,
a pupil got a new aanmelding (one, or many from the mbo feed) or a BSN, a pupil is about to be removed completely."""

from django.dispatch import Signal

# Sent after commit-ready changes with: aanmelding, previous (status or None), source ("feed" or "hand").
current_status_changed = Signal()

# Sent inside the transaction that records a new aanmelding, with: aanmelding, source ("feed" or "hand").
# A receiver that starts work elsewhere does so with transaction.on_commit.
aanmelding_created = Signal()

# The bulk path of the mbo feed records many aanmeldingen at once without ``aanmelding_created``: it sends this,
# inside its transaction, with: pupil_ids (the pupils who got a new aanmelding).
aanmeldingen_created_in_bulk = Signal()

# Sent with ``pupil`` (and ``reason``: "avg" or "retention") just before a pupil is removed completely; apps
# remove what does not go with the pupil's row by itself (stored files, rows matched by the BSN's index).
pupil_removing = Signal()

# Sent after the commit when a pupil was saved with a BSN it did not have before (a new pupil with a BSN, or a
# BSN added to a pupil without one), with: pupil. The mbo feed matches rows that waited for this pupil.
pupil_bsn_set = Signal()
