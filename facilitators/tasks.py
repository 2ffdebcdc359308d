"""Background work of the facilitators app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django_tasks import task

from courses.choices import TaskPriority

from . import emails, guide_pdfs
from .models import FacilitatorGuidePage


@task(priority=TaskPriority.AWAITED_EMAIL)
def send_check_in_link(session_id, email, code_kind):
    """Email a check-in link if the address is on the session's list; see
    ``facilitators.emails``."""
    emails.send_check_in_link(session_id, email, code_kind)


@task(priority=TaskPriority.BULK)
def render_guide_pdf(page_id):
    """Render a published guide's PDF and store it, unless it is stored already (see
    ``facilitators.guide_pdfs``). Below emails: nobody waits for it, the download renders it
    if it comes first."""
    page = FacilitatorGuidePage.objects.live().filter(pk=page_id).select_related("locale").first()
    if page is not None:
        guide_pdfs.guide_pdf(page)
