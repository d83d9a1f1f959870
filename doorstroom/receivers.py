"""doorstroom listens to students (a new aanmelding) and to its own deletes (stored files no one points to)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from students.models import Aanmelding
from students.signals import aanmelding_created, aanmeldingen_created_in_bulk

from .models import Attachment, SnapshotAttachment


@receiver(aanmelding_created, sender=Aanmelding)
def send_to_the_new_school(sender, aanmelding: Aanmelding, **kwargs) -> None:
    """A later aanmelding at another mbo-school gets the form too (the version that is sent or approved)."""
    from .tasks import deliver_to_new_schools

    pupil_id = aanmelding.pupil_id
    transaction.on_commit(lambda: deliver_to_new_schools.delay(pupil_id), robust=True)


@receiver(aanmeldingen_created_in_bulk, sender=Aanmelding)
def send_to_the_new_schools(sender, pupil_ids: set[int], **kwargs) -> None:
    """The same for the aanmeldingen a feed batch brought: one task for the pupils who have a form to pass on."""
    from .sending import pupils_with_a_form_to_pass_on
    from .tasks import deliver_to_new_schools_of

    ids = pupils_with_a_form_to_pass_on(pupil_ids)
    if ids:
        transaction.on_commit(lambda: deliver_to_new_schools_of.delay(ids), robust=True)


@receiver(post_delete, sender=Attachment)
@receiver(post_delete, sender=SnapshotAttachment)
def release_blob(sender, instance, **kwargs) -> None:
    from .attachments import release

    release(instance.blob_id)
