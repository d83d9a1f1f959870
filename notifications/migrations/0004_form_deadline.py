"""The forms deadline of the Haaglanden procedure: 1 February, "De doorstroomformulieren zijn ingevuld"."""

from django.db import migrations, models


def create(apps, schema_editor):
    Deadline = apps.get_model("notifications", "Deadline")
    Deadline.objects.get_or_create(
        region="Haaglanden",
        rule="formulieren",
        defaults={"name": "Doorstroomformulieren ingevuld", "day": 1, "month": 2},
    )


def remove(apps, schema_editor):
    apps.get_model("notifications", "Deadline").objects.filter(rule="formulieren").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_default_deadlines")]
    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="rule",
            field=models.CharField(
                choices=[
                    ("formulieren", "Iedere leerling heeft een volledig ingevuld doorstroomformulier"),
                    ("aangemeld", "Iedere leerling is aangemeld bij een mbo-opleiding (of heeft een bestemming)"),
                    ("terugkoppeling", "Het mbo heeft op iedere aanmelding een besluit teruggekoppeld"),
                    ("diploma", "De diploma-uitslag is verwerkt"),
                    ("bestemming", "Iedere leerling heeft een definitieve keuze of een bestemming elders"),
                ],
                max_length=20,
                verbose_name="controle",
            ),
        ),
        migrations.RunPython(create, remove),
    ]
