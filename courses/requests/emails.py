"""Emails about a local's request for a tailored session: to the person who made it, in their
language, and to the education staff."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..mail import absolute_url, education_contact_email, staff_notification_emails

REQUEST_STATUS_SALT = "courses.session_request.status"


#: How long the private status link of a request keeps working. Every email about the request
#: carries a fresh one.
REQUEST_STATUS_LINK_MAX_AGE = 60 * 60 * 24 * 365


def request_status_token(session_request):
    return signing.dumps({"request": session_request.pk}, salt=REQUEST_STATUS_SALT, compress=True)


def request_from_status_token(token):
    """``(request id, expired)`` from a status link; ``(None, False)`` when it is forged.

    An expired link still names its request (its signature is genuine), so that the page can
    tell the person which request it was about.
    """
    try:
        data = signing.loads(token, salt=REQUEST_STATUS_SALT, max_age=REQUEST_STATUS_LINK_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        data = signing.loads(token, salt=REQUEST_STATUS_SALT)
        expired = True
    except signing.BadSignature:
        return None, False
    request_id = data.get("request") if isinstance(data, dict) else None
    if not isinstance(request_id, int):
        return None, False
    return request_id, expired


def request_status_url(session_request):
    return absolute_url(
        reverse("courses:request_status", args=[request_status_token(session_request)])
    )


def _request_messages():
    return {
        "received": (
            _("We received your request %(reference)s"),
            _(
                "Thank you: your request for a tailored session has reached the education team. "
                "Someone will contact you to shape the session with your local."
            ),
        ),
        "in_review": (
            _("Your request %(reference)s is in review"),
            _(
                "The education team is reviewing your request and will be in touch to plan the "
                "session with you: its goals, its date and who will facilitate it."
            ),
        ),
        "scheduled": (
            _("Your session is scheduled: %(reference)s"),
            _(
                "Your tailored session is scheduled. Members of your local can now enrol in it; "
                "only they can."
            ),
        ),
        "delivered": (
            _("Your session has taken place: %(reference)s"),
            _(
                "Your tailored session has taken place and your request is complete. Thank you "
                "for learning with us."
            ),
        ),
        "declined": (
            _("About your request %(reference)s"),
            _("We are sorry: the education team cannot take up your request as it stands."),
        ),
    }


def send_request_email(session_request, kind):
    """Email the person who made the request: ``received``, or the status it has reached."""
    session = session_request.session
    with translation.override(session_request.language or settings.LANGUAGE_CODE):
        subject_template, message = _request_messages()[kind]
        context = {
            "session_request": session_request,
            # The workshop as the local reads it: its page in the request's language.
            "workshop": session_request.workshop.in_language(),
            "kind": kind,
            "message": message,
            "session": session if kind == "scheduled" else None,
            "status_url": request_status_url(session_request),
            "enrol_url": (
                absolute_url(reverse("courses:enrol", args=[session.pk]))
                if kind == "scheduled" and session is not None
                else ""
            ),
            "contact_email": education_contact_email(),
        }
        subject = subject_template % {"reference": session_request.reference}
        text = render_to_string("courses/emails/request_status.txt", context)
        html = render_to_string("courses/emails/request_status.html", context)
    email = EmailMultiAlternatives(
        subject, text, to=[session_request.email], reply_to=[context["contact_email"]]
    )
    email.attach_alternative(html, "text/html")
    email.send()
    return email


def send_request_staff_email(session_request, site=None):
    """Tell the education staff of a new request, with a link to it in the admin. Sends
    nothing when no address is set."""
    recipients = staff_notification_emails(site)
    if not recipients:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "session_request": session_request,
            "admin_url": absolute_url(
                reverse("wagtailsnippets_courses_sessionrequest:edit", args=[session_request.pk])
            ),
        }
        subject = _("New request from %(local)s: %(workshop)s (%(reference)s)") % {
            "local": session_request.local_display,
            "workshop": session_request.workshop.title,
            "reference": session_request.reference,
        }
        subject = " ".join(subject.split())  # what a local typed never breaks the header
        text = render_to_string("courses/emails/request_staff.txt", context)
        html = render_to_string("courses/emails/request_staff.html", context)
    email = EmailMultiAlternatives(subject, text, to=recipients, reply_to=[session_request.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email
