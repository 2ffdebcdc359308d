"""Each existing row takes its page's locale and a translation key of its own."""

import uuid

from django.db import migrations


def populate(apps, schema_editor):
    model = apps.get_model("facilitators", "guidehandout")
    for row in model.objects.select_related("page").iterator():
        row.translation_key = uuid.uuid4()
        row.locale_id = row.page.locale_id
        row.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [("facilitators", "0005_handout_locale_fields")]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop, elidable=False)]
