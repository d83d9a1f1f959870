"""The Haaglanden procedure's own dates (voroc-procedure-haaglanden): diploma results on 14 June, the remaining
pupils under Elders on 26 June (the first defaults said 15 and 30 June). A region that changed a date keeps it."""

from django.db import migrations

CHANGES = [("diploma", (15, 6), (14, 6)), ("bestemming", (30, 6), (26, 6))]


def forward(apps, schema_editor):
    Deadline = apps.get_model("notifications", "Deadline")
    for rule, (day, month), (new_day, new_month) in CHANGES:
        Deadline.objects.filter(region="Haaglanden", rule=rule, day=day, month=month).update(day=new_day, month=new_month)


def backward(apps, schema_editor):
    Deadline = apps.get_model("notifications", "Deadline")
    for rule, (day, month), (new_day, new_month) in CHANGES:
        Deadline.objects.filter(region="Haaglanden", rule=rule, day=new_day, month=new_month).update(day=day, month=month)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_alter_melding_kind")]
    operations = [migrations.RunPython(forward, backward)]
