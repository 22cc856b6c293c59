"""Notifications now live in core: copy every row there (read or not, with its key, so that `remind`
never repeats a reminder), then drop the plan table. Backwards copies them back."""
from django.db import migrations

FIELDS = ("user_id", "key", "text", "url", "created_at", "read_at")


def to_core(apps, schema_editor):
    old, new = apps.get_model("plan", "Notification"), apps.get_model("core", "Notification")
    new.objects.bulk_create(
        [new(**{field: getattr(row, field) for field in FIELDS}) for row in old.objects.order_by("pk").iterator()],
        batch_size=2000,
    )


def to_plan(apps, schema_editor):
    old, new = apps.get_model("plan", "Notification"), apps.get_model("core", "Notification")
    old.objects.bulk_create(
        [old(**{field: getattr(row, field) for field in FIELDS}, emailed=True)
         for row in new.objects.exclude(key="").order_by("pk").iterator()],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0002_value_not_negative"),
        ("core", "0004_notifications_and_outbox"),
    ]

    operations = [
        migrations.RunPython(to_core, to_plan),
        migrations.DeleteModel(name="Notification"),
    ]
