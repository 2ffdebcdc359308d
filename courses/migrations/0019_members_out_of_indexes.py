"""Members and sessions leave the site's search index, and members and enrolments Wagtail's
reference index: the admin finds them by the database's own search and nothing asks what
refers to them. Their entries are deleted, which also removes members' names and addresses
from the index tables."""

from django.db import migrations

OUT_OF_SEARCH = ("participant", "session")
OUT_OF_REFERENCES = ("participant", "enrollment")


def delete_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    searched = ContentType.objects.filter(app_label="courses", model__in=OUT_OF_SEARCH)
    IndexEntry.objects.filter(content_type__in=searched).delete()
    referring = ContentType.objects.filter(app_label="courses", model__in=OUT_OF_REFERENCES)
    ReferenceIndex.objects.filter(base_content_type__in=referring).delete()
    ReferenceIndex.objects.filter(content_type__in=referring).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0018_offline_marks"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailcore", "0098_apitoken"),
    ]

    # Going back leaves the indexes without these entries; `manage.py update_index` and
    # `manage.py rebuild_references_index` fill them again if ever wanted.
    operations = [migrations.RunPython(delete_entries, migrations.RunPython.noop)]
