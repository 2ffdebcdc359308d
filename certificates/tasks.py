"""Background work of the certificates app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production): issuing what a closed session earns, and a
session's ZIP of certificates. The PDF and the email of each certificate issued are queued by
the issuing rules, from ``certificates.delivery``."""

from django.contrib.auth import get_user_model

from django_tasks import task

from courses.choices import TaskPriority
from courses.models import Session

from . import archives, emails

# The tasks that follow an issuing live in ``certificates.delivery``, below the issuing rules
# that queue them. Tasks queued under these names before they moved still find them here.
from .delivery import render_certificate_pdf, send_certificate_email  # noqa: F401
from .issuing import issue_for_session


@task(priority=TaskPriority.BULK)
def issue_certificates_for_session(session_id, user_id=None):
    """Issue what a closed session earns, in a worker: if it fails, the task's failure is
    recorded where staff and operators see it, and running it again is safe."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return len(issue_for_session(session_id, user=user))


@task(priority=TaskPriority.BULK)
def build_session_archive(session_id, user_id=None):
    """Build the ZIP of a session's valid certificates, store it, and email the staff member
    who asked for it a link to download it. Returns where it is stored.

    A ZIP of the same certificates already stored is not built again.
    """
    session = Session.objects.select_related("workshop").get(pk=session_id)
    path = archives.store_session_archive(session)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is not None:
        emails.send_session_archive_email(session, user)
    return path
