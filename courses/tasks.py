"""Background work of the courses app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from wagtail.models import Site

from django_tasks import task

from . import emails, signin
from .models import Enrollment, SessionRequest


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


@task()
def send_request_email(request_id, kind):
    """Email the person who made a request that it arrived or reached a new status."""
    session_request = SessionRequest.objects.select_related("local", "workshop", "session").get(
        pk=request_id
    )
    emails.send_request_email(session_request, kind)


@task()
def send_request_staff_email(request_id, site_id=None):
    """Tell the education staff of a new request from a local."""
    session_request = SessionRequest.objects.select_related("local", "workshop").get(pk=request_id)
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    emails.send_request_staff_email(session_request, site)
