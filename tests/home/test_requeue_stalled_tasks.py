"""Tasks whose worker died in the middle of them are put back in the queue by a scheduled
command; tasks still within their time, and finished ones, are left alone."""

from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from courses.sessions.tasks import send_sign_in_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_task(status, started_minutes_ago=None):
    with override_settings(TASKS=DATABASE_TASKS):
        result = send_sign_in_email.enqueue("member@example.org")
    task = DBTaskResult.objects.get(pk=result.id)
    if status != TaskResultStatus.READY:
        task.claim("worker-1")
        task.status = status
        task.started_at = timezone.now() - timedelta(minutes=started_minutes_ago)
        task.save()
    return task


def run(*args):
    out = StringIO()
    call_command("requeue_stalled_tasks", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_task_running_too_long_is_ready_again():
    stalled = queued_task(TaskResultStatus.RUNNING, started_minutes_ago=20)
    recent = queued_task(TaskResultStatus.RUNNING, started_minutes_ago=2)
    done = queued_task(TaskResultStatus.SUCCESSFUL, started_minutes_ago=60)
    waiting = queued_task(TaskResultStatus.READY)

    assert run() == "Requeued 1 stalled task(s).\n"

    stalled.refresh_from_db()
    assert stalled.status == TaskResultStatus.READY
    assert stalled.started_at is None
    assert stalled.worker_ids == ["worker-1"]  # who had it, kept for the record
    assert DBTaskResult.objects.ready().filter(pk=stalled.pk).exists()
    for task, status in ((recent, "RUNNING"), (done, "SUCCESSFUL"), (waiting, "READY")):
        task.refresh_from_db()
        assert task.status == status


@pytest.mark.django_db
def test_the_time_allowed_is_a_choice():
    queued_task(TaskResultStatus.RUNNING, started_minutes_ago=2)

    assert run("--after", "60") == "Requeued 1 stalled task(s).\n"


@pytest.mark.django_db
def test_a_nonsense_time_is_refused():
    with pytest.raises(CommandError, match="--after must be 1 second or more"):
        run("--after", "0")
