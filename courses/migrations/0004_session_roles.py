"""Let education staff manage sessions, participants and enrolments."""

from django.db import migrations

from ..roles import STAFF_GROUP, ensure_permissions, grant, model_codenames


def grant_session_permissions(apps, schema_editor):
    ensure_permissions(apps, "courses")
    grant(
        apps,
        STAFF_GROUP,
        "courses",
        model_codenames("session", "sessionpart", "participant", "enrollment"),
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_sessions")]

    operations = [migrations.RunPython(grant_session_permissions, migrations.RunPython.noop)]
