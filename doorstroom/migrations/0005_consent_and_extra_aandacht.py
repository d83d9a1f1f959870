from collections import Counter, defaultdict

from django.db import migrations, models


def fill_in(apps, schema_editor):
    """The consent of the forms and sent versions there are, evaluated as the app does (engine.evaluate).

    A snapshot records the consent only when its answers hold it; who saved that answer and when is not
    known for a version sent before this (the received form says so)."""
    from doorstroom import declaration as spec
    from doorstroom.engine import evaluate

    Formulier = apps.get_model("doorstroom", "Formulier")
    Attachment = apps.get_model("doorstroom", "Attachment")
    Snapshot = apps.get_model("doorstroom", "Snapshot")
    counts = defaultdict(Counter)
    for form_id, field in Attachment.objects.filter(pending_for__isnull=True).values_list("form_id", "field"):
        counts[form_id][field] += 1
    parsed = {}

    def declaration_of(declaration):
        if declaration.pk not in parsed:
            parsed[declaration.pk] = spec.parse(declaration.document)
        return parsed[declaration.pk]

    given = []
    for form in Formulier.objects.select_related("declaration").iterator(chunk_size=500):
        if evaluate(declaration_of(form.declaration), form.answers, dict(counts[form.pk])).consent:
            given.append(form.pk)
    Formulier.objects.filter(pk__in=given).update(consent_given=True)
    for snapshot in Snapshot.objects.select_related("declaration", "form").iterator(chunk_size=500):
        question = declaration_of(snapshot.declaration).consent_field
        if question is not None and snapshot.answers.get(question.key) == question.consent:
            Snapshot.objects.filter(pk=snapshot.pk).update(
                consent_answer=question.consent, consent_version=snapshot.form.version
            )


class Migration(migrations.Migration):
    dependencies = [
        ("doorstroom", "0004_care_complete"),
    ]

    operations = [
        migrations.AddField(
            model_name="formulier",
            name="consent_given",
            field=models.BooleanField(default=False, verbose_name="toestemming voor doorsturen"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="consent_answer",
            field=models.CharField(blank=True, max_length=40, verbose_name="toestemming voor doorsturen"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="consent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="toestemming vastgelegd op"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="consent_by_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="toestemming vastgelegd door"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="consent_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="toestemming voor versie"),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="extra_aandacht",
            field=models.TextField(blank=True, verbose_name="extra aandacht onderwijskeuzeproces"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
