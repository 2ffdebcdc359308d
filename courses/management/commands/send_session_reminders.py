"""Email a reminder to everyone confirmed in a session that starts soon.

Meant to run on a schedule (for example hourly from cron). Sessions are found by the moment
they start, whatever their time zone: "within 3 days" is 72 hours from now in Vancouver as in
St. John's, and the reminder gives the session's times in its own zone. Each enrolment is
reminded once: it is claimed by setting ``reminder_sent_at`` with a conditional update before
its email is queued, so runs that overlap, on one machine or several, never send the same
reminder twice.
"""

from datetime import timedelta
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ...choices import EnrollmentStatus, SessionStatus
from ...models import Enrollment
from ...sessions.tasks import send_enrollment_email


class Command(BaseCommand):
    help = "Email a reminder to confirmed participants of sessions starting within N days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help="Remind sessions that start within this many days (default 3).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        now = timezone.now()
        due = Enrollment.objects.filter(
            status=EnrollmentStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(days=days),
        ).values_list("pk", flat=True)

        sent = 0
        for enrollment_id in list(due):
            if claim(enrollment_id, now):
                sent += 1
        self.stdout.write(f"Sent {sent} reminder(s).")


def claim(enrollment_id, now):
    """Mark the enrolment reminded and queue its email; False if another run claimed it first.

    The email is queued only once the claim is committed.
    """
    with transaction.atomic():
        claimed = Enrollment.objects.filter(
            pk=enrollment_id,
            status=EnrollmentStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
        ).update(reminder_sent_at=now)
        if claimed != 1:
            return False
        transaction.on_commit(
            partial(send_enrollment_email.enqueue, enrollment_id=enrollment_id, kind="reminder")
        )
    return True
