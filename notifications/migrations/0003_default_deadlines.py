"""The Haaglanden procedure's dates (voroc-procedure-haaglanden): editable per region in admin."""

from django.db import migrations

DEADLINES = [
    # rule, name, day, month
    ("aangemeld", "Iedereen aangemeld bij het mbo", 1, 4),
    ("terugkoppeling", "Terugkoppeling van het mbo op alle aanmeldingen", 1, 6),
    ("diploma", "Diploma-uitslagen verwerkt", 14, 6),
    ("bestemming", "Resterende leerlingen verwerkt bij Elders", 26, 6),
]


def create(apps, schema_editor):
    Deadline = apps.get_model("notifications", "Deadline")
    for rule, name, day, month in DEADLINES:
        Deadline.objects.get_or_create(
            region="Haaglanden", rule=rule, defaults={"name": name, "day": day, "month": month}
        )


def remove(apps, schema_editor):
    apps.get_model("notifications", "Deadline").objects.filter(region="Haaglanden").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_initial")]
    operations = [migrations.RunPython(create, remove)]
