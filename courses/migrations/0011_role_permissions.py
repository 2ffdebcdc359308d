"""The permissions of the two roles, which the apps' code asks for instead of the groups' names:
education staff take the attendance of every session, close it early and reopen it;
facilitators may be assigned sessions to facilitate."""

from django.db import migrations, models

from ..roles import FACILITATORS_GROUP, STAFF_GROUP, ensure_permissions, grant


def grant_role_permissions(apps, schema_editor):
    ensure_permissions(apps, "courses")
    grant(apps, STAFF_GROUP, "courses", ["manage_every_session"])
    grant(apps, FACILITATORS_GROUP, "courses", ["facilitate_sessions"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_session_life"),
    ]

    operations = [
        migrations.CreateModel(
            name="EducationRole",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "verbose_name": "education role",
                "verbose_name_plural": "education roles",
                "permissions": [
                    (
                        "manage_every_session",
                        "Can take the attendance of every session, close it early and reopen it",
                    ),
                    ("facilitate_sessions", "Can be assigned to facilitate sessions"),
                ],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(grant_role_permissions, migrations.RunPython.noop),
    ]
