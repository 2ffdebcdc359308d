"""Emails to participants about their enrolments, in their own language."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from ..mail import absolute_url, education_contact_email
from ..models import in_language
from .calendar import email_attachment, session_calendar
from .prerequisites import missing_prerequisites
from .states import changes_seen, parts_of, place_seen

CANCEL_SALT = "courses.enrollment.cancel"


#: How long a cancel link in an email keeps working.
CANCEL_LINK_MAX_AGE = 60 * 60 * 24 * 120


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
        "offered": (
            _("A place is kept for you: %(workshop)s"),
            _(
                "Good news: a place freed up and we are keeping it for you. To take it, open the "
                "link below and press “Accept the place”. If you have not accepted it in time, "
                "it goes to the next person waiting."
            ),
        ),
        "offer_lapsed": (
            _("The place kept for you has gone: %(workshop)s"),
            _(
                "The place we kept for you was not accepted in time, so it went to the next "
                "person waiting, and you are no longer on the waitlist. You are welcome to enrol "
                "again."
            ),
        ),
        "changed": (
            _("Change to your session: %(workshop)s"),
            _(
                "The session below has changed. Here is what changed; everything else stays "
                "the same."
            ),
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


#: The emails that bring the person's calendar file, with the session's current state.
ATTACH_CALENDAR = {"confirmed", "promoted", "reminder"}


#: The emails that remove the session from the person's calendar (if it was ever there).
ATTACH_CANCELLATION = {"cancelled", "session_cancelled"}


OFFER_CANCEL = {"confirmed", "waitlisted", "promoted", "offered", "reminder", "changed"}


#: The statuses of people who have the meeting link of an online session.
SEATED_WITH_LINK = {"confirmed"}


OFFER_SALT = "courses.enrollment.offer"


#: How long the link to accept a place works (the offer itself lapses much sooner; the page
#: then says so).
OFFER_LINK_MAX_AGE = 60 * 60 * 24 * 60


def offer_token(enrollment):
    return signing.dumps({"offer": enrollment.pk}, salt=OFFER_SALT)


def enrollment_from_offer_token(token):
    """The enrolment id in a link to accept a place, or None when forged or too old."""
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    value = data.get("offer") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def offer_url(enrollment):
    return absolute_url(reverse("courses:accept_offer", args=[offer_token(enrollment)]))


CONFIRM_SALT = "courses.enrollment.confirm"


def confirmation_max_age():
    """How long a link to confirm an enrolment works (see ``courses.sessions.confirmation``):
    ``EDUCATION_ENROLMENT_CONFIRMATION_MAX_AGE`` seconds, 24 hours by default."""
    return getattr(settings, "EDUCATION_ENROLMENT_CONFIRMATION_MAX_AGE", 24 * 60 * 60)


def confirm_token(pending):
    """The secret part of a link to confirm an enrolment: the pending enrolment's key and
    time, signed with the site's secret key (the database alone cannot make a link)."""
    return signing.dumps(
        [pending.pk, pending.created_at.timestamp()], salt=CONFIRM_SALT, compress=True
    )


def part_text(session, start, end):
    """One sitting as people read it, in the session's time zone and the active language."""
    from ..timezones import zone_abbreviation

    start, end = session.local(start), session.local(end)
    return _("%(weekday)s, %(date)s, %(start)s to %(end)s %(zone)s") % {
        "weekday": date_format(start, "l"),
        "date": date_format(start, "DATE_FORMAT"),
        "start": time_format(start),
        "end": time_format(end),
        "zone": zone_abbreviation(start),
    }


def place_text(place):
    """A place from ``courses.sessions.states.place_seen`` as people read it."""
    if place["online"]:
        return _("Online") + (f" ({place['link']})" if place["link"] else "")
    text = ", ".join(place[name] for name in ("venue", "address", "city") if place[name])
    return text or _("to be announced")


def change_lines(session, before, after, *, with_link):
    """``[(label, was, now)]``: what changed between two states of the session, each value a
    list of lines, for someone who sees the meeting link (``with_link``) or not."""
    changed = changes_seen(before, after, with_link=with_link)
    lines = []
    if "when" in changed:
        lines.append(
            (
                _("When"),
                [part_text(session, start, end) for start, end in parts_of(before)],
                [part_text(session, start, end) for start, end in parts_of(after)],
            )
        )
    if "where" in changed:
        lines.append(
            (
                _("Where"),
                [place_text(place_seen(before, with_link=with_link))],
                [place_text(place_seen(after, with_link=with_link))],
            )
        )
    return lines


def removed_parts(before, after):
    """The sittings of ``before`` beyond the number ``after`` has: days taken off, whose events
    a calendar file cancels."""
    return parts_of(before)[len(after.get("parts", [])) :]


def send_enrollment_email(enrollment, kind, *, before=None, after=None):
    """Send the ``kind`` email (see ``_messages``) about this enrolment to its participant.

    A ``changed`` email says what changed between ``before`` and ``after`` (what people see of
    the session, from ``courses.sessions.changes``).
    """
    participant = enrollment.participant
    session = enrollment.session
    seated = enrollment.status in SEATED_WITH_LINK
    removed = []
    with translation.override(participant.preferred_language or settings.LANGUAGE_CODE):
        subject_template, message = _messages()[kind]
        changes = []
        if kind == "changed":
            if session.status != "scheduled" or enrollment.status == "cancelled":
                return None  # cancelled since: that email said so
            changes = change_lines(session, before or {}, after or {}, with_link=seated)
            if not changes:
                return None
            removed = removed_parts(before or {}, after or {})
        # The workshop as the participant reads it: its page in their language.
        workshop = session.workshop.in_language()
        session.shown_workshop = workshop  # the calendar file names it the same way
        context = {
            "participant": participant,
            "session": session,
            "workshop": workshop,
            "enrollment": enrollment,
            "kind": kind,
            "message": message,
            "changes": changes,
            "show_link": seated and kind in (ATTACH_CALENDAR | {"changed"}),
            "reason": session.cancellation_reason if kind == "session_cancelled" else "",
            "offer_url": offer_url(enrollment) if kind == "offered" else "",
            "offered_until": (
                session.format_local(enrollment.offered_until)
                if kind == "offered" and enrollment.offered_until
                else ""
            ),
            "workshop_url": absolute_url(workshop.url or "/"),
            "cancel_url": cancel_url(enrollment) if kind in OFFER_CANCEL else "",
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject_template % {"workshop": workshop.title}
        text = render_to_string("courses/emails/enrollment.txt", context)
        html = render_to_string("courses/emails/enrollment.html", context)
        calendar = None
        if kind in ATTACH_CALENDAR or (kind == "changed" and seated):
            calendar = session_calendar(
                session, include_meeting_link=True, enrollment=enrollment, removed_parts=removed
            )
        elif kind in ATTACH_CANCELLATION and enrollment.confirmed_at is not None:
            # Only someone who once had a seat has the session in their calendar.
            calendar = session_calendar(
                session, enrollment=enrollment, cancel=True, organizer=education_contact_email()
            )
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    if calendar is not None:
        email.attach(email_attachment(calendar))
    email.send()
    return email


def _request_messages_for_enrolment():
    return {
        "confirm": (
            _("Confirm your place: %(workshop)s"),
            _(
                "Someone, we hope you, asked to enrol this email address in the session below. "
                "Nothing is booked yet: to take the place, open the link and press “Confirm my "
                "place”."
            ),
        ),
        "already": (
            _("About your enrolment: %(workshop)s"),
            _(
                "Someone asked to enrol this email address in the session below, but you are "
                "already enrolled in it or on its waitlist. There is nothing more to do; My "
                "learning shows where you stand."
            ),
        ),
        "not_eligible": (
            _("About your enrolment: %(workshop)s"),
            _(
                "Someone asked to enrol this email address in the session below. It is only for "
                "members of %(local)s, and the union’s records do not show you as a member of "
                "that local, so it cannot be booked from the form. If you belong to it, ask the "
                "education team to confirm your membership, then enrol again."
            ),
        ),
        "prerequisite": (
            _("About your enrolment: %(workshop)s"),
            _(
                "Someone asked to enrol this email address in the session below. This workshop "
                "builds on another one, and our records do not show that you have completed it "
                "yet. Please take it first:"
            ),
        ),
    }


def send_enrollment_request_email(kind, *, pending=None, session=None, email=None, language=None):
    """Email an address about a request to enrol it: ``confirm`` (with the link to confirm the
    place, for a ``pending`` enrolment) or what stands in the way (``already``,
    ``not_eligible``, ``prerequisite``, for ``session`` and ``email``).

    Nothing typed on the form goes into it: a known address is greeted by the name on its
    record, an unknown one by no name.
    """
    from ..models import Participant

    if pending is not None:
        session, email, language = pending.session, pending.email, pending.preferred_language
    participant = Participant.objects.with_email(email).first()
    if participant is not None:
        language = participant.preferred_language
    with translation.override(language or settings.LANGUAGE_CODE):
        workshop = session.workshop.in_language()
        subject_template, message = _request_messages_for_enrolment()[kind]
        if kind == "not_eligible":
            message = message % {"local": session.restricted_to_local}
        prerequisites = []
        if kind == "prerequisite":
            missing = list(
                missing_prerequisites(participant, session.workshop)
                if participant is not None
                else session.workshop.prerequisites.all()
            )
            shown = in_language(missing)
            prerequisites = [shown.get(page.translation_key, page) for page in missing]
        context = {
            "participant": participant,
            "language": translation.get_language(),
            "session": session,
            "workshop": workshop,
            "kind": kind,
            "message": message,
            "prerequisites": [
                (prerequisite.title, absolute_url(prerequisite.url or "/"))
                for prerequisite in prerequisites
            ],
            "confirm_url": (
                absolute_url(reverse("courses:confirm_enrolment", args=[confirm_token(pending)]))
                if pending is not None
                else ""
            ),
            "max_age_hours": max(1, round(confirmation_max_age() / 3600)),
            "workshop_url": absolute_url(workshop.url or "/"),
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
            "contact_email": education_contact_email(),
        }
        subject = subject_template % {"workshop": workshop.title}
        text = render_to_string("courses/emails/enrolment_request.txt", context)
        html = render_to_string("courses/emails/enrolment_request.html", context)
    # A known address gets it at the address on record.
    recipient = participant.email if participant is not None else email
    message = EmailMultiAlternatives(
        subject, text, to=[recipient], reply_to=[context["contact_email"]]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return message
