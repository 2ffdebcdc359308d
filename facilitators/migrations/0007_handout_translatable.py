"""The locale and translation key are required, and unique together, as on every translatable
model."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("facilitators", "0006_handout_locale_populate")]

    operations = [
        migrations.AlterField(
            model_name="guidehandout",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="guidehandout",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="guidehandout",
            unique_together={("translation_key", "locale")},
        ),
    ]
