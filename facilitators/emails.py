"""The email that brings a participant a link to check in, in their own language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from courses.attendance.rules import local_moment

from .checkin import (
    CheckInRefused,
    enrollment_by_email,
    link_token,
    link_url,
    open_window,
    sessions_for_check_in,
)


def send_check_in_link(session_id, email, code_kind, now=None):
    """Email a one-time link to check in to the session to ``email``, if that address has a
    confirmed enrolment in it and check-in is open. Returns whether an email was sent; callers
    must not tell the person, so that nobody learns who is enrolled.

    The email goes to the address on record, in the participant's language; the link works
    until the end of the part under way (see ``facilitators.checkin.read_link``).
    """
    session = sessions_for_check_in().filter(pk=session_id).first()
    if session is None:
        return False
    enrollment = enrollment_by_email(session, email)
    if enrollment is None:
        return False
    try:
        window = open_window(session, now)
    except CheckInRefused:
        return False
    participant = enrollment.participant
    with translation.override(participant.preferred_language or settings.LANGUAGE_CODE):
        workshop = session.workshop.in_language()
        context = {
            "participant": participant,
            "session": session,
            "workshop": workshop,
            "link": link_url(link_token(enrollment, window, code_kind), translation.get_language()),
            "valid_until": local_moment(session, window.closes_at),
        }
        subject = _("Check in: %(workshop)s") % {"workshop": workshop.title}
        text = render_to_string("facilitators/emails/check_in_link.txt", context)
        html = render_to_string("facilitators/emails/check_in_link.html", context)
    message = EmailMultiAlternatives(subject, text, to=[participant.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
