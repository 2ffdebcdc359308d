"""Tasks queued under the paths the courses app's tasks had before it was divided into parts
are found by the worker after the upgrade: the site's migration points them to where the tasks
are now."""

from importlib import import_module

from django.apps import apps
from django.test import override_settings
from django.utils.module_loading import import_string

import pytest
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from courses.sessions.tasks import send_sign_in_email

migration = import_module("home.migrations.0004_queued_task_paths")


@pytest.mark.parametrize(("old", "new"), migration.MOVED.items())
def test_every_task_is_found_where_the_migration_points(old, new):
    assert isinstance(import_string(new), Task)
    with pytest.raises(ImportError):
        import_string(old)


@pytest.mark.django_db
def test_a_task_queued_under_its_former_path_runs_after_the_migration():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = send_sign_in_email.enqueue("member@example.org")
    DBTaskResult.objects.filter(pk=result.id).update(task_path="courses.tasks.send_sign_in_email")
    queued = DBTaskResult.objects.get(pk=result.id)
    with pytest.raises(ImportError):
        queued.task  # noqa: B018

    migration.point_to(migration.MOVED)(apps, None)

    queued = DBTaskResult.objects.get(pk=result.id)
    assert queued.task_path == "courses.sessions.tasks.send_sign_in_email"
    assert queued.task.func is send_sign_in_email.func
