"""iCalendar files for sessions, attached to confirmation emails and served at calendar.ics."""

from django.conf import settings
from django.utils import timezone

from icalendar import Calendar, Event, vText


def session_calendar(session, *, base_url=None):
    """An iCalendar file (bytes) with one event per part of the session."""
    base_url = (base_url or getattr(settings, "WAGTAILADMIN_BASE_URL", "")).rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//Union Education//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    workshop_url = base_url + session.workshop.url if session.workshop.url else base_url
    parts = list(session.parts.all()) or [session]
    for number, part in enumerate(parts, start=1):
        event = Event()
        event.add("uid", f"session-{session.pk}-part-{number}@union-education")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", part.starts_at)
        event.add("dtend", part.ends_at)
        event.add("summary", session.workshop.title)
        event.add("description", f"{session.workshop.summary}\n\n{workshop_url}")
        event.add("url", workshop_url)
        if session.is_online:
            event.add("location", vText(session.online_url))
        else:
            event.add(
                "location",
                vText(", ".join(p for p in (session.venue, session.address, session.city) if p)),
            )
        if session.status == "cancelled":
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
