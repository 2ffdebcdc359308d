"""The permission to read facilitator guides, which the app's code asks for instead of the
groups' names, for facilitators and education staff."""

from django.db import migrations, models

from courses.roles import FACILITATORS_GROUP, STAFF_GROUP, ensure_permissions, grant


def grant_guide_reader_permission(apps, schema_editor):
    ensure_permissions(apps, "facilitators")
    for group_name in (FACILITATORS_GROUP, STAFF_GROUP):
        grant(apps, group_name, "facilitators", ["read_guides"])


class Migration(migrations.Migration):
    dependencies = [
        ("facilitators", "0003_guide_agenda_follows_curriculum"),
    ]

    operations = [
        migrations.CreateModel(
            name="GuideAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "verbose_name": "facilitator guide access",
                "verbose_name_plural": "facilitator guide access",
                "permissions": [("read_guides", "Can read facilitator guides")],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(grant_guide_reader_permission, migrations.RunPython.noop),
    ]
