"""The doorstroomformulier in the audit log: every save with its old and new values (sealed with the pupil's
key, like any change of a pupil's data), and every other step of a form's history. Views go through the access
rule (students.selectors.get_pupil_for_user) and are recorded there."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import Action
from audit.services import record_change

from .models import FormRevision, Formulier
from .signals import form_saved


@receiver(form_saved, sender=Formulier)
def record_saved_answers(sender, form: Formulier, user, changes, **kwargs) -> None:
    values = {f"{change.step} › {change.label}": (change.old, change.new) for change in changes}
    record_change(form.pupil, changes=values, summary=f"doorstroomformulier versie {form.version}: opgeslagen")


@receiver(post_save, sender=FormRevision)
def record_other_steps(sender, instance: FormRevision, created: bool, **kwargs) -> None:
    if not created or instance.action == FormRevision.Action.SAVED:
        return  # a save is recorded with its values above
    form = instance.form
    action = Action.CREATE if instance.action == FormRevision.Action.CORRECTION else Action.CHANGE
    summary = f"doorstroomformulier versie {form.version}: {instance.get_action_display()}"
    # The note (a file name, the pupil's e-mail address, the mbo-schools) is sealed like any value of a change.
    changes = {str(instance.get_action_display()): (None, instance.note)} if instance.note else {}
    record_change(form.pupil, action=action, changes=changes, summary=summary)
