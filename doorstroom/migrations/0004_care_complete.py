from collections import Counter, defaultdict

from django.db import migrations, models


def fill_in(apps, schema_editor):
    """The flag for the forms there are: each form's shown care steps, evaluated as the app does."""
    from doorstroom import declaration as spec
    from doorstroom.engine import evaluate

    Formulier = apps.get_model("doorstroom", "Formulier")
    Attachment = apps.get_model("doorstroom", "Attachment")
    # The saved attachments per form and field, in one query (not one per form).
    counts = defaultdict(Counter)
    for form_id, field in Attachment.objects.filter(pending_for__isnull=True).values_list("form_id", "field"):
        counts[form_id][field] += 1
    parsed = {}
    complete = []
    for form in Formulier.objects.select_related("declaration").iterator(chunk_size=500):
        declaration = parsed.get(form.declaration_id)
        if declaration is None:
            declaration = parsed[form.declaration_id] = spec.parse(form.declaration.document)
        if evaluate(declaration, form.answers, dict(counts[form.pk])).care_complete:
            complete.append(form.pk)
    Formulier.objects.filter(pk__in=complete).update(care_complete=True)


class Migration(migrations.Migration):
    dependencies = [
        ("doorstroom", "0003_attachments_in_the_working_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="formulier",
            name="care_complete",
            field=models.BooleanField(default=False, verbose_name="zorgstappen compleet"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
