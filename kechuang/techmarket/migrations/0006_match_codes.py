"""8-bit codes of the sentence vectors, carried by the cell index (PostgreSQL: INCLUDE, so a semantic query
reads a cell's codes from the index alone). The codes of rows indexed before are computed from their
stored vectors (no encoder needed). Dropping match_cell's own index makes SQLite rebuild both tables,
which drops the full-text triggers: the last step puts them back."""

from django.conf import settings
from django.db import migrations, models

from kechuang.techmarket import fulltext
from kechuang.techmarket.matching.semantic import from_bytes, to_code


def fill_codes(apps, schema_editor):
    for name in ("Achievement", "Demand"):
        model = apps.get_model("techmarket", name)
        rows = model.objects.filter(match_vector__isnull=False, match_code__isnull=True).values_list("pk", "match_vector")
        with schema_editor.connection.cursor() as cur:
            cur.executemany(f"UPDATE {model._meta.db_table} SET match_code = %s WHERE id = %s",
                            [(to_code(from_bytes(vector)), pk) for pk, vector in rows.iterator(chunk_size=2000)])


def full_text_index(apps, schema_editor):
    fulltext.ensure(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_data_date_and_visits'),
        ('registry', '0003_prize_levels_city_and_district'),
        ('techmarket', '0005_merge_branches_of_this_round'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='achievement',
            name='match_code',
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name='demand',
            name='match_code',
            field=models.BinaryField(null=True),
        ),
        migrations.AlterField(
            model_name='achievement',
            name='match_cell',
            field=models.IntegerField(default=-1, editable=False),
        ),
        migrations.AlterField(
            model_name='demand',
            name='match_cell',
            field=models.IntegerField(default=-1, editable=False),
        ),
        migrations.AddIndex(
            model_name='achievement',
            index=models.Index(fields=['match_cell'], include=('match_code',), name='achievement_match_cell'),
        ),
        migrations.AddIndex(
            model_name='demand',
            index=models.Index(fields=['match_cell'], include=('match_code',), name='demand_match_cell'),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.RunPython(full_text_index, full_text_index),
    ]
