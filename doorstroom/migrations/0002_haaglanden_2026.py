"""The Haaglanden declaration for school year 2026-2027 (doorstroom/declarations/haaglanden-2026.json).

Checked by the same parser the app uses: a broken document stops the migration with a message saying where.
"""

import hashlib
import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "declarations" / "haaglanden-2026.json"


def load(apps, schema_editor):
    from doorstroom.declaration import parse

    Declaration = apps.get_model("doorstroom", "Declaration")
    document = json.loads(FILE.read_text(encoding="utf-8"))
    parsed = parse(document)
    if Declaration.objects.filter(region="Haaglanden", school_year=2026).exists():
        return
    Declaration.objects.create(
        region="Haaglanden",
        school_year=2026,
        version=1,
        title=parsed.title,
        document=document,
        checksum=hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
        source=FILE.name,
    )


def unload(apps, schema_editor):
    apps.get_model("doorstroom", "Declaration").objects.filter(
        region="Haaglanden", school_year=2026, version=1, forms__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("doorstroom", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
