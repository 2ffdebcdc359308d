"""Receivers of the courses app's own signals, connected in ``CoursesConfig.ready()``."""

from django.dispatch import receiver
from django.utils.translation import gettext

from .models import Session
from .requests.rules import deliver_request_of_session, review_request_of_deleted_session
from .signals import session_closed, session_deleting


@receiver(session_closed, sender=Session, dispatch_uid="courses.deliver_request_of_session")
def deliver_request_when_its_session_closes(sender, session, user=None, **kwargs):
    """A request whose session has been closed has been delivered. Closing again changes
    nothing: the request is already delivered."""
    deliver_request_of_session(session, user=user)


@receiver(
    session_deleting, sender=Session, dispatch_uid="courses.review_request_of_deleted_session"
)
def review_request_when_its_session_is_deleted(sender, session, user=None, **kwargs):
    """The request a deleted session was made from goes back to review; the admin says so."""
    session_request = review_request_of_deleted_session(session, user=user)
    if session_request is None:
        return None
    return gettext(
        "The request of %(local)s that the session was made from is back in review: schedule "
        "it again from the request."
    ) % {"local": session_request.local}
