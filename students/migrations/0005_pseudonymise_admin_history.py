"""Django's admin history kept str(obj) of pupils' records (the pupil's name) until accounts.admin_log replaced it
with "<kind> #<id>": lines written before get the same treatment here, once."""

import json

from django.db import migrations

# The admins that mix in PseudonymousAdminLog: (app, model) -> the model's verbose name.
KINDS = {
    ("students", "pupil"): "leerling",
    ("students", "aanmelding"): "aanmelding",
    ("doorstroom", "formulier"): "doorstroomformulier",
    ("notifications", "melding"): "melding",
    ("notifications", "outgoingmail"): "uitgaande e-mail",
    ("feedback", "waitingrow"): "wachtende regel",
}


def _scrubbed(message: str) -> str:
    try:
        lines = json.loads(message)
    except ValueError:
        return message  # a plain text message (not made by the admin's forms): no inline objects in it
    if not isinstance(lines, list):
        return message
    for line in lines:
        for detail in line.values() if isinstance(line, dict) else []:
            if isinstance(detail, dict) and "object" in detail:
                detail["object"] = detail.get("name", "")
    return json.dumps(lines)


def pseudonymise(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    for content_type in ContentType.objects.all():
        kind = KINDS.get((content_type.app_label, content_type.model))
        if kind is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type).iterator():
            entry.object_repr = f"{kind} #{entry.object_id}"[:200]
            entry.change_message = _scrubbed(entry.change_message)
            entry.save(update_fields=["object_repr", "change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0004_exportjob_pupils_in_file"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(pseudonymise, migrations.RunPython.noop)]
