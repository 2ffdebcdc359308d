"""Tasks queued before the courses app was divided into parts name the modules they were
defined in then; the worker looks them up by that path. Point them to where they are now."""

from django.db import migrations

MOVED = {
    "courses.tasks.send_enrollment_email": "courses.sessions.tasks.send_enrollment_email",
    "courses.tasks.send_enrollment_request_email": (
        "courses.sessions.tasks.send_enrollment_request_email"
    ),
    "courses.tasks.send_sign_in_email": "courses.sessions.tasks.send_sign_in_email",
    "courses.tasks.send_request_email": "courses.requests.tasks.send_request_email",
    "courses.tasks.send_request_staff_email": "courses.requests.tasks.send_request_staff_email",
    "courses.outcome_emails.send_outcome_email_task": (
        "courses.attendance.emails.send_outcome_email_task"
    ),
}


def point_to(pairs):
    def forwards(apps, schema_editor):
        task_results = apps.get_model("django_tasks_database", "DBTaskResult")
        for old, new in pairs.items():
            task_results.objects.filter(task_path=old).update(task_path=new)

    return forwards


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_lockout_permissions"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(
            point_to(MOVED), point_to({new: old for old, new in MOVED.items()}), elidable=True
        ),
    ]
