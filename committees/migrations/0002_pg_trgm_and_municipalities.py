import json
from pathlib import Path

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "municipalities.json"


def load_municipalities(apps, schema_editor):
    """Denmark's 98 municipalities are reference data every database needs, tests included."""
    Municipality = apps.get_model("committees", "Municipality")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        Municipality.objects.update_or_create(code=row["pk"], defaults=row["fields"])


class Migration(migrations.Migration):
    dependencies = [("committees", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(load_municipalities, migrations.RunPython.noop),
    ]
