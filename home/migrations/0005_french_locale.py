"""The union works in English and French: French content needs its locale."""

from django.db import migrations


def add_locales(apps, schema_editor):
    locale = apps.get_model("wagtailcore", "Locale")
    for code in ("en", "fr"):
        locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_queued_task_paths"),
        ("wagtailcore", "0054_initial_locale"),
    ]

    operations = [migrations.RunPython(add_locales, migrations.RunPython.noop, elidable=True)]
