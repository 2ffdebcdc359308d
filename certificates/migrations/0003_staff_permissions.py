"""Let education staff issue, revoke and reissue certificates and edit certificate templates.

Certificates are never deleted (revoking is a status), so staff get no delete permission on them.
Facilitators get none: closing a session issues its certificates.
"""

from django.db import migrations

from courses.roles import STAFF_GROUP, ensure_permissions, grant, model_codenames


def grant_certificate_permissions(apps, schema_editor):
    ensure_permissions(apps, "certificates")
    grant(
        apps,
        STAFF_GROUP,
        "certificates",
        model_codenames("certificate", "certificatetemplate", actions=("add", "change", "view")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_default_template"),
        ("courses", "0006_attendance_roles"),
    ]

    operations = [migrations.RunPython(grant_certificate_permissions, migrations.RunPython.noop)]
