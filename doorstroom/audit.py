"""The doorstroomformulier in the audit log: every save with its old and new values (sealed with the pupil's
key, like any change of a pupil's data), and every other step of a form's history. Views go through the access
rule (students.selectors.get_pupil_for_user) and are recorded there."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import Action
from audit.services import record_change

from .declaration import DATE, Field, is_filled
from .engine import display
from .models import FormRevision, Formulier
from .signals import form_saved


def readable(fld: Field | None, value: Any) -> str:
    """An answer as a person reads it in the Logboek: the labels of the choices, a date as d-m-Y, a list joined."""
    if not is_filled(value):
        return ""
    if fld is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if fld.type == DATE:
        try:
            return datetime.date.fromisoformat(value).strftime("%d-%m-%Y")
        except (TypeError, ValueError):
            return str(value)
    shown = display(fld, value)
    if isinstance(shown, list):
        if shown and isinstance(shown[0], list):  # rows of (column, text)
            return "; ".join(", ".join(f"{label}: {text}" for label, text in row if text) for row in shown)
        return ", ".join(map(str, shown))
    return str(shown)


@receiver(form_saved, sender=Formulier)
def record_saved_answers(sender, form: Formulier, user, changes, **kwargs) -> None:
    spec = form.declaration.parsed()
    fields = spec.fields
    titles = {step.key: step.title for step in spec.steps}
    values = {
        f"{titles.get(change.step, change.step)} › {change.label}": (
            readable(fields.get(change.key), change.old),
            readable(fields.get(change.key), change.new),
        )
        for change in changes
    }
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
