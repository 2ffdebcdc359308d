"""The tasks that follow an issuing (the PDF, the email to the holder) live below the issuing
rules; tasks queued under their former names still run."""

from django.utils.module_loading import import_string

import pytest
from django_tasks.base import Task

from certificates import delivery


@pytest.mark.parametrize("name", ["render_certificate_pdf", "send_certificate_email"])
def test_a_task_queued_under_its_former_name_still_finds_it(name):
    task = import_string(f"certificates.tasks.{name}")

    assert isinstance(task, Task)
    assert task is getattr(delivery, name)
