"""Let education staff edit the organisation settings."""

from django.db import migrations

from courses.roles import STAFF_GROUP, ensure_permissions, grant


def grant_settings_permission(apps, schema_editor):
    ensure_permissions(apps, "home")
    grant(apps, STAFF_GROUP, "home", ["change_organisationsettings"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("courses", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_settings_permission, migrations.RunPython.noop)]
