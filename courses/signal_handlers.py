"""Receivers of the courses app's own signals, connected in ``CoursesConfig.ready()``."""

from django.dispatch import receiver

from .models import Session
from .requests import deliver_request_of_session
from .signals import session_closed


@receiver(session_closed, sender=Session, dispatch_uid="courses.deliver_request_of_session")
def deliver_request_when_its_session_closes(sender, session, user=None, **kwargs):
    """A request whose session has been closed has been delivered. Closing again changes
    nothing: the request is already delivered."""
    deliver_request_of_session(session, user=user)
