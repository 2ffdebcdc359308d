"""Background work about requests from locals (run by django-tasks)."""

from wagtail.models import Site

from django_tasks import task

from ..choices import TaskPriority
from ..models import SessionRequest
from . import emails


@task(priority=TaskPriority.EMAIL)
def send_request_email(request_id, kind):
    """Email the person who made a request that it arrived or reached a new status."""
    session_request = SessionRequest.objects.select_related("local", "workshop", "session").get(
        pk=request_id
    )
    emails.send_request_email(session_request, kind)


@task(priority=TaskPriority.EMAIL)
def send_request_staff_email(request_id, site_id=None):
    """Tell the education staff of a new request from a local."""
    session_request = SessionRequest.objects.select_related("local", "workshop").get(pk=request_id)
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    emails.send_request_staff_email(session_request, site)
