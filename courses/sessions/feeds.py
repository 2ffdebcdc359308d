"""Calendar feeds that calendar apps subscribe to.

- A member's private feed of their own sessions: those they have a seat in (with an online
  session's meeting link), and those cancelled, by them or by the union, as cancelled events.
  Its address carries a signed token, of its own salt, over the member's record and a key
  derived from their account's password field (a member who signs in by email link has an
  unusable one). Making a new link changes that field, which revokes every older link; a
  member who signs in with a password gets a new link by changing their password.
- The public feeds of a workshop and of a program: their upcoming sessions open to everyone
  (cancelled ones as cancelled events), with no meeting link and nothing about anyone.
"""

from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ..choices import EnrollmentStatus, SessionStatus
from ..models import Enrollment, Participant, Session, show_in_language
from .calendar import build_calendar, personal_sequence, session_events

FEED_SALT = "courses.feeds.personal"
#: How often calendar apps are asked to fetch a feed again.
REFRESH_INTERVAL = timedelta(hours=1)


# The private feed of a member


def _feed_key(participant, user):
    state = f"{participant.pk}:{user.pk}:{user.password}"
    return salted_hmac(FEED_SALT + ".key", state, algorithm="sha256").hexdigest()[:24]


def feed_token(participant):
    """The token in the address of a member's private feed (the member has an account)."""
    return signing.Signer(salt=FEED_SALT).sign_object(
        {"p": participant.pk, "k": _feed_key(participant, participant.user)}
    )


def participant_from_feed_token(token):
    """The participant whose feed ``token`` opens, or None when it is forged or revoked."""
    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    participant = Participant.objects.select_related("user").filter(pk=data["p"]).first()
    if participant is None or participant.user is None or not participant.user.is_active:
        return None
    if not constant_time_compare(str(data.get("k", "")), _feed_key(participant, participant.user)):
        return None
    return participant


def renew_feed_link(participant):
    """Revoke the member's feed links: their next link is a new one. False (nothing done) for
    someone who signs in with a password: changing it is what gives them a new link."""
    user = participant.user
    if user is None or user.has_usable_password():
        return False
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return True


def personal_feed(participant, *, now=None):
    """A member's private feed (bytes).

    Each session appears once, by the member's enrolment in it that has a seat, else by the
    last one cancelled after having one. Costs a fixed number of queries.
    """
    enrollments = list(
        Enrollment.objects.filter(participant=participant)
        .select_related("session__workshop", "participant")
        .prefetch_related("session__parts")
        .order_by("session__starts_at", "session_id", "created_at", "pk")
    )
    by_session = {}
    cancelled = {}
    for enrollment in enrollments:
        if enrollment.status == EnrollmentStatus.CANCELLED:
            cancelled[enrollment.session_id] = cancelled.get(enrollment.session_id, 0) + 1
    for enrollment in enrollments:
        shown = by_session.get(enrollment.session_id)
        if enrollment.status == EnrollmentStatus.CONFIRMED or (
            enrollment.status == EnrollmentStatus.CANCELLED
            and enrollment.confirmed_at is not None
            and (shown is None or shown.status == EnrollmentStatus.CANCELLED)
        ):
            by_session[enrollment.session_id] = enrollment
    events = []
    stamp = now or timezone.now()
    # Each workshop as the reader reads it, in one query.
    show_in_language(enrollment.session for enrollment in by_session.values())
    for enrollment in by_session.values():
        session = enrollment.session
        is_cancelled = (
            enrollment.status == EnrollmentStatus.CANCELLED
            or session.status == SessionStatus.CANCELLED
        )
        events += session_events(
            session,
            include_meeting_link=not is_cancelled,
            sequence=personal_sequence(session, enrollment, cancelled.get(session.pk, 0)),
            cancelled=is_cancelled,
            stamp=stamp,
        )
    return build_calendar(
        events,
        name=_("My learning: %(name)s") % {"name": participant.name},
        refresh_interval=REFRESH_INTERVAL,
    )


# Public feeds


def public_sessions(*, now=None):
    """Sessions a public feed lists: upcoming, open to everyone, of a live public workshop;
    cancelled ones too, so that a calendar that holds them hears of it."""
    now = now or timezone.now()
    return (
        Session.objects.open_to_public()
        .filter(
            starts_at__gt=now,
            status__in=(SessionStatus.SCHEDULED, SessionStatus.CANCELLED),
            workshop__live=True,
        )
        .select_related("workshop")
        .prefetch_related("parts")
        .order_by("starts_at", "pk")
    )


def public_feed(sessions, *, name, now=None):
    """A public feed (bytes) of ``sessions``: no meeting links, nobody's name."""
    stamp = now or timezone.now()
    events = []
    for session in show_in_language(sessions):
        events += session_events(session, include_meeting_link=False, stamp=stamp)
    return build_calendar(events, name=name, refresh_interval=REFRESH_INTERVAL)
