"""Background work of the certificates app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django_tasks import task

from . import emails, pdf
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
