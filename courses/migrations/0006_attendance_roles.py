"""Let education staff take and correct attendance."""

from django.db import migrations

from ..roles import STAFF_GROUP, ensure_permissions, grant, model_codenames


def grant_attendance_permissions(apps, schema_editor):
    ensure_permissions(apps, "courses")
    grant(
        apps,
        STAFF_GROUP,
        "courses",
        model_codenames("attendance", actions=("add", "change", "view")),
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_attendance")]

    operations = [migrations.RunPython(grant_attendance_permissions, migrations.RunPython.noop)]
