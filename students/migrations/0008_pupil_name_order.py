"""The pupils' sort keys (folded names), filled for the pupils already there."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from students.models.pupil import fold  # a pure function of the text

    Pupil = apps.get_model("students", "Pupil")
    batch = []
    for pupil in Pupil.objects.only("pk", "achternaam", "voornaam").iterator(chunk_size=2000):
        pupil.sort_achternaam = fold(pupil.achternaam)[:150]
        pupil.sort_voornaam = fold(pupil.voornaam)[:100]
        batch.append(pupil)
        if len(batch) == 2000:
            Pupil.objects.bulk_update(batch, ["sort_achternaam", "sort_voornaam"])
            batch = []
    Pupil.objects.bulk_update(batch, ["sort_achternaam", "sort_voornaam"])


class Migration(migrations.Migration):

    dependencies = [
        ('students', '0007_pupil_leerlingnummer_pupilimport'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='pupil',
            options={'ordering': ['sort_achternaam', 'sort_voornaam', 'pk'], 'verbose_name': 'leerling', 'verbose_name_plural': 'leerlingen'},
        ),
        migrations.AddField(
            model_name='pupil',
            name='sort_achternaam',
            field=models.CharField(default='', editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name='pupil',
            name='sort_voornaam',
            field=models.CharField(default='', editable=False, max_length=100),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='pupil',
            index=models.Index(fields=['sort_achternaam', 'sort_voornaam'], name='pupil_name_order'),
        ),
    ]
