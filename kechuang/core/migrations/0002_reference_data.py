"""Loads the shipped reference tables: regions, GB/T 4754-2017, high-tech domains and IP kinds."""
from django.db import migrations

from kechuang.core.reference import load_all


def forwards(apps, schema_editor):
    load_all(
        apps.get_model("core", "Region"),
        apps.get_model("core", "Industry"),
        apps.get_model("core", "HighTechDomain"),
        apps.get_model("core", "IPKind"),
    )


def backwards(apps, schema_editor):
    for name in ("IPKind", "HighTechDomain", "Industry", "Region"):
        apps.get_model("core", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
