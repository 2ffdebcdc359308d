"""Let education staff manage facilitator profiles."""

from django.db import migrations

from courses.roles import STAFF_GROUP, ensure_permissions, grant, model_codenames


def grant_facilitator_permissions(apps, schema_editor):
    ensure_permissions(apps, "facilitators")
    grant(apps, STAFF_GROUP, "facilitators", model_codenames("facilitator", "guidehandout"))


class Migration(migrations.Migration):
    dependencies = [
        ("facilitators", "0001_initial"),
        ("courses", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_facilitator_permissions, migrations.RunPython.noop)]
