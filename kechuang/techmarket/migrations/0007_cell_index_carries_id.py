# The cell index carries the id too, so the semantic search reads a cell's (id, code) pairs from the
# index alone (an index-only scan) instead of one heap page per row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('techmarket', '0006_match_codes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='achievement',
            name='achievement_match_cell',
        ),
        migrations.RemoveIndex(
            model_name='demand',
            name='demand_match_cell',
        ),
        migrations.AddIndex(
            model_name='achievement',
            index=models.Index(fields=['match_cell'], include=('match_code', 'id'), name='achievement_match_cell'),
        ),
        migrations.AddIndex(
            model_name='demand',
            index=models.Index(fields=['match_cell'], include=('match_code', 'id'), name='demand_match_cell'),
        ),
    ]
