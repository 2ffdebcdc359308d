"""Let education staff see sign-in lockouts and lift them."""

from django.db import migrations

from courses.roles import STAFF_GROUP, ensure_permissions, grant


def grant_lockout_permissions(apps, schema_editor):
    ensure_permissions(apps, "axes")
    grant(apps, STAFF_GROUP, "axes", ["view_accessattempt", "delete_accessattempt"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant_lockout_permissions, migrations.RunPython.noop)]
