"""Each existing program is in the site's default language, with a translation key of its own."""

import uuid

from django.conf import settings
from django.db import migrations

from wagtail.coreutils import get_supported_content_language_variant


def populate(apps, schema_editor):
    program_model = apps.get_model("courses", "program")
    programs = program_model.objects.filter(translation_key__isnull=True)
    if not programs.exists():
        return
    locale_model = apps.get_model("wagtailcore", "locale")
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _created = locale_model.objects.get_or_create(language_code=code)
    for program in programs.iterator():
        program.translation_key = uuid.uuid4()
        program.locale_id = locale.pk
        program.save(update_fields=["translation_key", "locale"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0015_program_locale_fields")]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop, elidable=False)]
