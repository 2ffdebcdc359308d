"""Put back in the queue the background tasks whose worker stopped in the middle of them.

A ``db_worker`` marks a task "running" when it takes it. If that worker dies before it finishes
(its machine lost, its process killed), the task stays "running" and no other worker takes it.
Run this on a schedule (every few minutes, from any one machine or several): tasks running for
longer than ``--after`` seconds are made ready again, and the next free worker runs them.

It belongs to this site, which queues tasks in its database (django-tasks-db); a site with
another task backend has its own way. Every task of the education apps is safe to run twice:
certificate PDFs are rendered only when missing, and emails are at worst sent twice, never
lost. Choose ``--after`` well above the longest task (a large session's ZIP of certificates
takes a few minutes at most).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_stalled(after, now=None):
    """Make ready again the tasks running for longer than ``after`` (a timedelta). Returns how
    many. One conditional update: a task that finishes meanwhile is left as it is."""
    cutoff = (now or timezone.now()) - after
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


class Command(BaseCommand):
    help = "Make ready again the background tasks whose worker died while running them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--after",
            type=int,
            default=900,
            help="Seconds a task may run before it counts as stalled (default 900).",
        )

    def handle(self, *args, after, **options):
        if after < 1:
            raise CommandError("--after must be 1 second or more.")
        count = requeue_stalled(timedelta(seconds=after))
        self.stdout.write(f"Requeued {count} stalled task(s).")
