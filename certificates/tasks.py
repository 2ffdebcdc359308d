"""Background work of the certificates app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django.contrib.auth import get_user_model

from django_tasks import task

from courses.models import Session

from . import archives, emails, pdf
from .models import Certificate


def _certificate(certificate_id):
    return Certificate.objects.select_related(
        "participant", "template__logo", "template__signature_image"
    ).get(pk=certificate_id)


@task()
def render_certificate_pdf(certificate_id):
    """Render a new certificate's PDF and store it, unless it is stored already."""
    pdf.ensure_pdf(_certificate(certificate_id))


@task()
def send_certificate_email(certificate_id):
    """Tell the holder that their certificate is issued; see ``certificates.emails``."""
    certificate = _certificate(certificate_id)
    if certificate.is_valid:
        emails.send_certificate_email(certificate)


@task()
def issue_certificates_for_session(session_id, user_id=None):
    """Issue what a closed session earns, in a worker: if it fails, the task's failure is
    recorded where staff and operators see it, and running it again is safe."""
    from .issuing import issue_for_session  # issuing queues this module's tasks

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return len(issue_for_session(session_id, user=user))


@task()
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
