"""Emails to participants about their enrolments, in their own language."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .calendar import session_calendar

CANCEL_SALT = "courses.enrollment.cancel"
#: How long a cancel link in an email keeps working.
CANCEL_LINK_MAX_AGE = 60 * 60 * 24 * 120


def absolute_url(path):
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


def cancel_token(enrollment):
    return signing.dumps({"enrollment": enrollment.pk}, salt=CANCEL_SALT, compress=True)


def enrollment_from_cancel_token(token):
    """The enrolment id in a cancel link, or None when the link is forged or too old."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT, max_age=CANCEL_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return data.get("enrollment") if isinstance(data, dict) else None


def cancel_url(enrollment):
    return absolute_url(reverse("courses:cancel_enrollment", args=[cancel_token(enrollment)]))


def _messages():
    return {
        "confirmed": (
            _("You are enrolled: %(workshop)s"),
            _("Your place is confirmed. The calendar file attached adds it to your calendar."),
        ),
        "waitlisted": (
            _("You are on the waitlist: %(workshop)s"),
            _(
                "This session is full, so you are on its waitlist. If a place frees up, it is "
                "yours and we will email you straight away."
            ),
        ),
        "promoted": (
            _("A place opened up: %(workshop)s"),
            _("Good news: a place freed up and it is now yours. Your enrolment is confirmed."),
        ),
        "cancelled": (
            _("Enrolment cancelled: %(workshop)s"),
            _("Your enrolment is cancelled. You are welcome to enrol in another session."),
        ),
        "session_cancelled": (
            _("Session cancelled: %(workshop)s"),
            _(
                "We are sorry: this session has been cancelled, so your enrolment is cancelled "
                "too. Other sessions of this workshop are listed on its page."
            ),
        ),
        "reminder": (
            _("Reminder: %(workshop)s"),
            _("This is a reminder that your session is coming up soon."),
        ),
    }


ATTACH_CALENDAR = {"confirmed", "promoted", "reminder"}
OFFER_CANCEL = {"confirmed", "waitlisted", "promoted", "reminder"}


def send_enrollment_email(enrollment, kind):
    """Send the ``kind`` email (see ``_messages``) about this enrolment to its participant."""
    participant = enrollment.participant
    session = enrollment.session
    with translation.override(participant.preferred_language or settings.LANGUAGE_CODE):
        subject_template, message = _messages()[kind]
        context = {
            "participant": participant,
            "session": session,
            "workshop": session.workshop,
            "enrollment": enrollment,
            "kind": kind,
            "message": message,
            "workshop_url": absolute_url(session.workshop.url or "/"),
            "cancel_url": cancel_url(enrollment) if kind in OFFER_CANCEL else "",
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject_template % {"workshop": session.workshop.title}
        text = render_to_string("courses/emails/enrollment.txt", context)
        html = render_to_string("courses/emails/enrollment.html", context)
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    if kind in ATTACH_CALENDAR:
        email.attach("session.ics", session_calendar(session), "text/calendar")
    email.send()
    return email
