"""Background work of the courses app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django_tasks import task

from ..choices import TaskPriority
from ..models import Enrollment, PendingEnrollment, Session
from . import emails, signin


@task(priority=TaskPriority.AWAITED_EMAIL)
def send_enrollment_email(enrollment_id, kind, before=None, after=None):
    """Email a participant about their enrolment; see ``courses.sessions.emails``. ``before`` and
    ``after`` are what people saw of the session before and after a change (``changed``)."""
    enrollment = Enrollment.objects.select_related("participant", "session__workshop").get(
        pk=enrollment_id
    )
    emails.send_enrollment_email(enrollment, kind, before=before, after=after)


@task(priority=TaskPriority.AWAITED_EMAIL)
def send_enrollment_request_email(
    kind, pending_id=None, session_id=None, email=None, language=None
):
    """Email an address that was typed on the enrolment form; see ``courses.sessions.confirmation``.

    A request confirmed or expired before this runs needs no email any more.
    """
    if pending_id is not None:
        pending = (
            PendingEnrollment.objects.select_related("session__workshop")
            .filter(pk=pending_id)
            .first()
        )
        if pending is not None:
            emails.send_enrollment_request_email(kind, pending=pending)
        return
    session = Session.objects.select_related("workshop", "restricted_to_local").get(pk=session_id)
    emails.send_enrollment_request_email(kind, session=session, email=email, language=language)


@task(priority=TaskPriority.AWAITED_EMAIL)
def send_sign_in_email(email, next_url=""):
    """Email a sign-in link if the address is known; see ``courses.sessions.signin``."""
    signin.send_sign_in_email(email, next_url)
