"""A facilitator takes today's attendance on a phone, adds a walk-in and closes the session.

admin log-in → My sessions to facilitate → roster → one save for the whole room → walk-in →
close → summary → confirm → outcomes; then a participant signs in by emailed link and finds the
completed session in My learning.
"""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.utils import timezone

from playwright.sync_api import expect

from courses.choices import AttendanceStatus, EnrollmentSource, SessionStatus
from courses.models import Enrollment
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

WORKSHOP = "Bargaining Basics"
PRESENT = ("Amara Okafor", "amara.okafor@example.org")
PARTIAL = ("Bruno Silva", "bruno.silva@example.org")
ABSENT = ("Chen Wei", "chen.wei@example.org")
WALK_IN = ("Dana Walker", "dana.walker@example.org")

SIGN_IN_LINK = re.compile(r"https?://\S+/sign-in/link/\S+")
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def on_live_server(url):
    """An absolute link from an email (made for the configured site URL) as a local path."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def emails_to(outbox, address, subject):
    return [email for email in outbox if email.to == [address] and email.subject == subject]


def started_today():
    """An hour ago, but never before midnight: the session is today and not over yet."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - timedelta(hours=1), midnight).replace(second=0, microsecond=0)


def test_a_facilitator_takes_attendance_and_closes_todays_session_on_a_phone(
    phone_page, browser, live_server, catalogue, mailoutbox
):
    page = phone_page
    # Build and read everything before the browser starts asking the live server for pages.
    facilitator = make_facilitator_user(username="facilitator", first_name="Fran")
    workshop = WorkshopPageFactory(
        parent=catalogue, title=WORKSHOP, slug="bargaining-basics", duration_hours=6
    )
    session = SessionFactory(
        workshop=workshop, start=started_today(), hours=6, facilitators=[facilitator]
    )
    enrollments = {
        name: EnrollmentFactory(
            session=session, participant=ParticipantFactory(name=name, email=email)
        )
        for name, email in (PRESENT, PARTIAL, ABSENT)
    }
    username = facilitator.username

    # Facilitators sign in at the admin's log-in page and land on their sessions.
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/en/facilitate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My sessions to facilitate")
    today = page.get_by_role("region", name="This week")
    expect(today.get_by_role("heading", level=3)).to_contain_text("Today")
    expect(today.get_by_role("heading", level=4)).to_contain_text(WORKSHOP)
    expect(today.get_by_text("3 confirmed of 25 places")).to_be_visible()
    today.get_by_role(
        "link", name=re.compile(rf"^Roster and attendance\s*:\s*{re.escape(WORKSHOP)}$")
    ).click()

    expect(page).to_have_url(re.compile(rf"/en/facilitate/sessions/{session.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(WORKSHOP)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "The roster scrolls sideways on a phone"

    attendance = page.get_by_role("region", name="Attendance")
    present = attendance.get_by_role("group", name=PRESENT[0])
    partial = attendance.get_by_role("group", name=PARTIAL[0])
    absent = attendance.get_by_role("group", name=ABSENT[0])
    for row in (present, partial, absent):
        expect(row.get_by_text("Not marked")).to_be_visible()
    present.get_by_role("radio", name="Present", exact=True).check()
    partial.get_by_role("radio", name="Partly present", exact=True).check()
    partial.get_by_label("Hours attended").fill("3.5")
    absent.get_by_role("radio", name="Absent", exact=True).check()
    attendance.get_by_role("button", name="Save attendance").click()

    expect(page.get_by_role("status")).to_contain_text("Attendance saved (3 changes).")
    expect(present.get_by_role("radio", name="Present", exact=True)).to_be_checked()
    expect(partial.get_by_role("radio", name="Partly present", exact=True)).to_be_checked()
    expect(partial.get_by_label("Hours attended")).to_have_value("3.5")
    expect(absent.get_by_role("radio", name="Absent", exact=True)).to_be_checked()
    expect(attendance.get_by_text("Not marked")).to_have_count(0)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "The roster scrolls sideways on a phone"

    walk_in_form = page.get_by_role("region", name="Add a walk-in")
    walk_in_form.get_by_label("Name").fill(WALK_IN[0])
    walk_in_form.get_by_label("Email").fill(WALK_IN[1])
    walk_in_form.get_by_role("button", name="Add and mark present").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"{WALK_IN[0]} is added to the session and marked present."
    )
    walk_in = attendance.get_by_role("group", name=WALK_IN[0])
    expect(walk_in.get_by_text("Walk-in")).to_be_visible()
    expect(walk_in.get_by_role("radio", name="Present", exact=True)).to_be_checked()

    page.get_by_role("region", name="Close the session").get_by_role(
        "button", name="Close session"
    ).click()

    # A summary first: nothing is recorded until it is confirmed.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the session?")
    expect(page.get_by_role("heading", name="Completed: 2 people", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Not completed: 2 people")).to_be_visible()
    page.get_by_role("button", name="Confirm and close the session").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "The session is closed: 2 completed, 2 did not."
    )
    outcomes = page.get_by_role("region", name="Outcomes")
    expected = {
        PRESENT[0]: "Completed",
        PARTIAL[0]: "Not completed",
        ABSENT[0]: "Not completed",
        WALK_IN[0]: "Completed",
    }
    for name, outcome in expected.items():
        item = outcomes.get_by_role("listitem").filter(has_text=name)
        expect(item.locator("strong")).to_have_text(outcome)
    expect(outcomes.get_by_role("listitem").filter(has_text=PARTIAL[0])).to_contain_text(
        "Partly present, 3.5 h"
    )
    expect(page.get_by_role("button", name="Save attendance")).to_have_count(0)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "The outcomes scroll sideways on a phone"

    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    by_name = {
        enrollment.participant.name: enrollment
        for enrollment in Enrollment.objects.filter(session=session).select_related(
            "participant", "attendance"
        )
    }
    assert set(by_name) == set(expected)
    assert {name: e.completed for name, e in by_name.items()} == {
        PRESENT[0]: True,
        PARTIAL[0]: False,
        ABSENT[0]: False,
        WALK_IN[0]: True,
    }
    assert by_name[PRESENT[0]].attendance.status == AttendanceStatus.PRESENT
    assert by_name[PRESENT[0]].attendance.hours_attended == Decimal("6.00")
    assert by_name[PARTIAL[0]].attendance.status == AttendanceStatus.PARTIAL
    assert by_name[PARTIAL[0]].attendance.hours_attended == Decimal("3.50")
    assert by_name[ABSENT[0]].attendance.status == AttendanceStatus.ABSENT
    assert by_name[ABSENT[0]].attendance.hours_attended == Decimal("0.00")
    assert by_name[WALK_IN[0]].source == EnrollmentSource.WALK_IN
    assert by_name[WALK_IN[0]].participant.email == WALK_IN[1]
    assert by_name[PRESENT[0]].pk == enrollments[PRESENT[0]].pk

    # The participant who was present signs in on their own phone, in a browser of their own.
    context = browser.new_context(
        base_url=live_server.url, viewport=page.viewport_size, is_mobile=True, has_touch=True
    )
    try:
        member = context.new_page()
        member.goto("/en/sign-in/")
        expect(member.get_by_role("heading", level=1)).to_have_text("Sign in to My learning")
        member.get_by_label("Email").fill(PRESENT[1])
        member.get_by_role("button", name="Email me a sign-in link").click()

        expect(member.get_by_role("heading", level=1)).to_have_text("Check your email")
        [sign_in_email] = emails_to(mailoutbox, PRESENT[1], "Sign in to My learning")
        link = SIGN_IN_LINK.search(sign_in_email.body).group()
        member.goto(on_live_server(link))
        member.get_by_role("button", name="Sign in", exact=True).click()

        expect(member).to_have_url(re.compile(r"/en/my-learning/$"))
        expect(member.get_by_role("heading", level=1)).to_have_text("My learning")
        expect(member.get_by_text(f"Welcome, {PRESENT[0]}.")).to_be_visible()
        expect(
            member.get_by_role("region", name="Upcoming sessions").get_by_text(
                "You have no upcoming sessions."
            )
        ).to_be_visible()
        past = member.get_by_role("region", name="Past sessions")
        row = past.get_by_role("row", name=re.compile(re.escape(WORKSHOP)))
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell").last).to_have_text("Completed (6 hours)")
    finally:
        context.close()
