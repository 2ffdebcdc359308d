"""Staff move a session to another day in the admin, and the member who has a seat in it is
told: their email says the old and the new times, and brings the updated calendar event (the
same UID as the one their confirmation added, a higher SEQUENCE, the new start).

admin sign-in → Sessions → the session's edit form → a new date for its day → Save → the
confirmation that people were emailed; then the member's email and its calendar file.
"""

import re
from datetime import timedelta

from django.utils import formats, timezone

from icalendar import Calendar
from playwright.sync_api import expect

from courses.sessions.enrollment import enrol
from tests.courses.calendars import attachment
from tests.factories import (
    PASSWORD,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_staff_user,
)

WORKSHOP = "Handling Conflict"
MEMBER_EMAIL = "ana.lima@example.org"


def emails_to(outbox, address, subject):
    return [email for email in outbox if email.to == [address] and email.subject == subject]


def calendar_events(message):
    calendar = Calendar.from_ical(attachment(message))
    calendar.validate()
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def day(session, value):
    local = session.local(value)
    return f"{formats.date_format(local, 'l')}, {formats.date_format(local, 'DATE_FORMAT')}"


def test_staff_move_a_session_and_the_member_gets_the_new_time_in_their_calendar(
    page, live_server, catalogue, mailoutbox
):
    # Build and read everything before the browser starts asking the live server for pages.
    staff = make_staff_user(username="planner", email="planner@example.org")
    start = (timezone.now() + timedelta(days=21)).replace(hour=14, minute=0, second=0)
    session = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title=WORKSHOP),
        start=start.replace(microsecond=0),
        capacity=12,
    )
    member = ParticipantFactory(name="Ana Lima", email=MEMBER_EMAIL)
    enrol(session.pk, member.pk)
    [confirmation] = emails_to(mailoutbox, MEMBER_EMAIL, f"You are enrolled: {WORKSHOP}")
    confirmed_events = calendar_events(confirmation)
    part = session.parts.get()
    new_start, new_end = part.starts_at + timedelta(days=2), part.ends_at + timedelta(days=2)
    typed_start = session.local(new_start).strftime("%Y-%m-%d %H:%M")
    typed_end = session.local(new_end).strftime("%Y-%m-%d %H:%M")
    old_day, new_day = day(session, part.starts_at), day(session, new_start)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"/admin/snippets/courses/session/edit/{session.pk}/")
    starts = page.locator('input[name="parts-0-starts_at"]')
    ends = page.locator('input[name="parts-0-ends_at"]')
    expect(starts).to_be_visible()
    starts.fill(typed_start)
    starts.press("Escape")
    ends.fill(typed_end)
    ends.press("Escape")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("1 person was emailed what changed.")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again

    [change] = emails_to(mailoutbox, MEMBER_EMAIL, f"Change to your session: {WORKSHOP}")
    before, now = change.body.split("Before:")[1].split("Now:")
    assert old_day in before and new_day not in before
    assert new_day in now
    updated = calendar_events(change)
    assert set(updated) == set(confirmed_events)
    [(uid, event)] = updated.items()
    assert event.decoded("sequence") > confirmed_events[uid].decoded("sequence")
    assert event.decoded("dtstart") == new_start
    assert event.decoded("dtend") == new_end
