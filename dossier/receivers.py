"""A pupil record removed (by the school, or completely for the AVG) takes the pupil's account with it."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import Role, User

from .models import PupilAccount


@receiver(post_delete, sender=PupilAccount)
def remove_the_login(sender, instance: PupilAccount, **kwargs) -> None:
    User.objects.filter(pk=instance.user_id, role=Role.LEERLING).delete()
