"""Let education staff triage requests from locals."""

from django.db import migrations

from ..roles import STAFF_GROUP, ensure_permissions, grant, model_codenames


def grant_session_request_permissions(apps, schema_editor):
    ensure_permissions(apps, "courses")
    grant(
        apps,
        STAFF_GROUP,
        "courses",
        model_codenames("sessionrequest", actions=("add", "change", "view")),
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_session_requests")]

    operations = [
        migrations.RunPython(grant_session_request_permissions, migrations.RunPython.noop)
    ]
