"""What follows the issuing of a certificate, in the background (django-tasks): its PDF is
rendered and stored, and its holder is told.

``certificates.issuing`` queues these tasks; ``certificates.tasks``, which holds the tasks that
run the issuing rules themselves, sits above both.
"""

from django_tasks import task

from courses.choices import TaskPriority

from . import emails, pdf
from .models import Certificate


def _certificate(certificate_id):
    return Certificate.objects.select_related(
        "participant", "template__logo", "template__signature_image"
    ).get(pk=certificate_id)


@task(priority=TaskPriority.BULK)
def render_certificate_pdf(certificate_id):
    """Render a new certificate's PDF and store it, unless it is stored already."""
    pdf.ensure_pdf(_certificate(certificate_id))


@task(priority=TaskPriority.EMAIL)
def send_certificate_email(certificate_id):
    """Tell the holder that their certificate is issued; see ``certificates.emails``."""
    certificate = _certificate(certificate_id)
    if certificate.is_valid:
        emails.send_certificate_email(certificate)
