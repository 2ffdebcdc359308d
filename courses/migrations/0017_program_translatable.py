"""The locale and translation key are required, and unique together, as on every translatable
model; a program's title and slug are unique in its language.

Going back, titles and slugs become unique across languages again: the programs' translations
are deleted first (their workshops' pages keep no program), the programs of the default
language are kept."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from wagtail.coreutils import get_supported_content_language_variant


def drop_translations(apps, schema_editor):
    program_model = apps.get_model("courses", "program")
    first = program_model.objects.order_by("pk").values_list("locale_id", flat=True).first()
    locale_model = apps.get_model("wagtailcore", "locale")
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    default = locale_model.objects.filter(language_code=code).values_list("pk", flat=True)
    default_id = default.first() or first
    program_model.objects.exclude(locale_id=default_id).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0016_program_locale_populate")]

    operations = [
        migrations.AlterField(
            model_name="program",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="program",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="slug",
            field=models.SlugField(max_length=200, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="program",
            name="title",
            field=models.CharField(max_length=200, verbose_name="title"),
        ),
        migrations.AlterUniqueTogether(
            name="program",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.UniqueConstraint(
                fields=("title", "locale"), name="unique_program_title"
            ),
        ),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.UniqueConstraint(
                fields=("slug", "locale"), name="unique_program_slug"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_translations),
    ]
