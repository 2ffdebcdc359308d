"""Receivers of the courses app's own signals and of saves that public pages show, connected in
``CoursesConfig.ready()``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext

from wagtail.models import Locale, Page, PageViewRestriction, Site

from .models import Session
from .page_cache import something_shown_changed
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


#: The apps whose models public pages show (a seat, a session, a program, a page, the site's
#: settings); saving or deleting any of their rows renders the cached public pages afresh.
SHOWN_ON_PUBLIC_PAGES = {"courses", "home"}


def _shown_on_public_pages(sender):
    return sender._meta.app_label in SHOWN_ON_PUBLIC_PAGES or issubclass(
        sender, (Page, PageViewRestriction, Locale, Site)
    )


@receiver(post_save, dispatch_uid="courses.public_pages_after_save")
@receiver(post_delete, dispatch_uid="courses.public_pages_after_delete")
def render_public_pages_afresh(sender, raw=False, **kwargs):
    """Public pages served from the cache are rendered afresh once the change commits."""
    if not raw and _shown_on_public_pages(sender):
        something_shown_changed()
