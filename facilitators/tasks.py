"""Background work of the facilitators app (run by django-tasks: at once in development, by
``manage.py db_worker`` processes in production)."""

from django_tasks import task

from . import emails


@task()
def send_check_in_link(session_id, email, code_kind):
    """Email a check-in link if the address is on the session's list; see
    ``facilitators.emails``."""
    emails.send_check_in_link(session_id, email, code_kind)
