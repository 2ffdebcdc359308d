"""iCalendar files for sessions.

- A member's own file, attached to their emails and downloadable from My learning: with an
  online session's meeting link. When the session changes, the new file carries the same UIDs
  and a higher SEQUENCE, so calendar apps update the event they hold instead of adding another;
  when the session or the member's enrolment is cancelled, a ``METHOD:CANCEL`` file removes it.
- The public ``calendar.ics`` of a session and the public feeds of a workshop or a program:
  without meeting links (they are only for the people taking part) and without anyone's name.
- A member's private feed of their own sessions (see ``courses.sessions.feeds``).

Every event of a session is named by the session and the number of its part (day), whoever
gets it, so a member's file updates the event a public file added. Its SEQUENCE is the
session's ``version``, which goes up at every save of the session; in a member's own files it
also counts the member's cancelled enrolments in the session (see :func:`personal_sequence`),
because cancelling an enrolment changes the event for that member without saving the session.
"""

import re
from email.mime.text import MIMEText

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Union Education//Sessions//EN"


def event_uid(session, number):
    """The UID of the ``number``th part (1 for the first) of ``session``."""
    return f"session-{session.pk}-part-{number}@union-education"


def personal_sequence(session, enrollment, cancelled_count=None):
    """The SEQUENCE of ``session``'s events for the person of ``enrollment`` (None: anyone).

    The session's version, plus two for each of the person's cancelled enrolments in the
    session, less one while ``enrollment`` itself is the one cancelled: a cancellation comes
    after the seat it cancels, a new seat after that cancellation, and every save of the session
    after both. ``cancelled_count`` is how many are cancelled, when already counted.
    """
    if enrollment is None:
        return session.version
    if cancelled_count is None:
        from ..models import Enrollment

        cancelled_count = Enrollment.objects.filter(
            session_id=session.pk, participant_id=enrollment.participant_id, status="cancelled"
        ).count()
    return session.version + 2 * cancelled_count - (1 if enrollment.status == "cancelled" else 0)


def _location(session, include_meeting_link):
    if session.is_online:
        return session.online_url if include_meeting_link else _("Online")
    return ", ".join(p for p in (session.venue, session.address, session.city) if p)


def session_events(
    session,
    *,
    base_url=None,
    include_meeting_link=False,
    sequence=None,
    cancelled=None,
    removed_parts=(),
    stamp=None,
):
    """The events of ``session``, one per part, then one cancelled event per part in
    ``removed_parts`` (``(start, end)`` of parts the session no longer has: a day taken off).

    ``cancelled`` marks every event cancelled (by default: when the session is);
    ``sequence`` defaults to the session's version.
    """
    base_url = (base_url or getattr(settings, "WAGTAILADMIN_BASE_URL", "")).rstrip("/")
    stamp = stamp or timezone.now()
    sequence = session.version if sequence is None else sequence
    if cancelled is None:
        cancelled = session.status == "cancelled"
    # The workshop in the active language (the reader's, or the recipient's of an email).
    workshop = getattr(session, "shown_workshop", None) or session.workshop.in_language()
    workshop_url = base_url + workshop.url if workshop.url else base_url
    parts = list(session.parts.all()) or [session]
    description = f"{workshop.summary}\n\n{workshop_url}"
    if session.is_online and include_meeting_link:
        description += "\n\n" + _("Join online: %(url)s") % {"url": session.online_url}
    elif session.is_online:
        description += "\n\n" + _(
            "The meeting link is sent to the people enrolled, and is in their My learning."
        )
    location = _location(session, include_meeting_link)
    times = [(part.starts_at, part.ends_at, cancelled) for part in parts]
    times += [(start, end, True) for start, end in removed_parts]
    events = []
    for number, (starts_at, ends_at, is_cancelled) in enumerate(times, start=1):
        event = Event()
        event.add("uid", event_uid(session, number))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", starts_at)
        event.add("dtend", ends_at)
        event.add("summary", workshop.title)
        event.add("description", description)
        event.add("url", workshop_url)
        if location:
            event.add("location", vText(location))
        event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
        events.append(event)
    return events


def build_calendar(events, *, method="PUBLISH", name=None, refresh_interval=None):
    """A calendar (bytes) of ``events``; ``name`` and ``refresh_interval`` (a timedelta) for
    a feed that calendar apps subscribe to."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    if refresh_interval:
        calendar.add("refresh-interval", refresh_interval, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", refresh_interval)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def email_attachment(ics, filename="session.ics"):
    """A calendar (bytes) as an email attachment: ``text/calendar`` with the calendar's method
    and charset as parameters, which mail clients read to offer to add or remove the events."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    method = re.search(rb"^METHOD:([A-Z-]+)\r?$", ics, re.MULTILINE)
    if method:
        part.set_param("method", method.group(1).decode("ascii"))
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _address(email, name=""):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def session_calendar(
    session,
    *,
    base_url=None,
    include_meeting_link=False,
    enrollment=None,
    cancel=False,
    removed_parts=(),
    organizer=None,
):
    """An iCalendar file (bytes) with one event per part of the session.

    An online session's meeting link is in it only with ``include_meeting_link``, for a
    confirmed participant's own file. With ``enrollment`` it is that person's file (see
    :func:`personal_sequence`). ``cancel`` makes it a ``METHOD:CANCEL`` that removes the events
    from their calendar; ``removed_parts`` are parts the session no longer has, cancelled in
    an updated file. ``organizer`` (an email address) is who sends a cancellation.
    """
    is_cancelled = session.status == "cancelled" or cancel
    if enrollment is not None and enrollment.status == "cancelled":
        is_cancelled = True
    events = session_events(
        session,
        base_url=base_url,
        include_meeting_link=include_meeting_link and not cancel,
        sequence=personal_sequence(session, enrollment),
        cancelled=is_cancelled,
        removed_parts=removed_parts,
    )
    if cancel:
        # iTIP: a cancellation names who sends it and, for one person, whom it is for.
        for event in events:
            if organizer:
                event.add("organizer", _address(organizer))
            if enrollment is not None:
                event.add("attendee", _address(enrollment.participant.email))
    return build_calendar(events, method="CANCEL" if cancel else "PUBLISH")
