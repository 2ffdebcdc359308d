"""Background work of the courses app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django_tasks import task

from . import emails, signin
from .models import Enrollment


@task()
def send_enrollment_email(enrollment_id, kind):
    """Email a participant about their enrolment; see ``courses.emails``."""
    enrollment = Enrollment.objects.select_related("participant", "session__workshop").get(
        pk=enrollment_id
    )
    emails.send_enrollment_email(enrollment, kind)


@task()
def send_sign_in_email(email, next_url=""):
    """Email a sign-in link if the address is known; see ``courses.signin``."""
    signin.send_sign_in_email(email, next_url)
