"""An attachment's file leaves the disk with its record: removed with the pupil, purged, or deleted otherwise."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Bijlage


@receiver(post_delete, sender=Bijlage)
def delete_file(sender, instance: Bijlage, **kwargs) -> None:
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
