"""A facilitator on a phone cannot close a session weeks away, and sees why; a session under way
closes after a summary that says who completes, who does not and who is not marked.

admin log-in → My sessions → the roster of next month's session (when attendance and closing
open, nothing to press) → My sessions → today's session → close → summary → confirm → outcomes.
"""

import re
from datetime import timedelta

from django.utils import timezone

from playwright.sync_api import expect

from courses.attendance.rules import local_moment
from courses.choices import SessionStatus
from tests.factories import (
    PASSWORD,
    AttendanceFactory,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_facilitator_cannot_close_a_session_weeks_away_and_closes_todays_after_a_summary(
    phone_page, catalogue, mailoutbox
):
    page = phone_page
    facilitator = make_facilitator_user(username="facilitator", first_name="Fran")
    later_workshop = WorkshopPageFactory(
        parent=catalogue, title="Health and Safety", slug="health-and-safety"
    )
    today_workshop = WorkshopPageFactory(
        parent=catalogue, title="Bargaining Basics", slug="bargaining-basics"
    )
    later = SessionFactory(
        workshop=later_workshop,
        start=(timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0),
        facilitators=[facilitator],
    )
    today = SessionFactory(
        workshop=today_workshop,
        start=(timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0),
        facilitators=[facilitator],
    )
    for name in ("Ana Silva", "Ben Okafor"):
        EnrollmentFactory(session=later, participant=ParticipantFactory(name=name))
    present = EnrollmentFactory(session=today, participant=ParticipantFactory(name="Chen Wei"))
    AttendanceFactory(enrollment=present)
    EnrollmentFactory(session=today, participant=ParticipantFactory(name="Dana Walker"))
    attendance_opens = local_moment(later, later.starts_at - timedelta(hours=1))
    closing_opens = local_moment(later, later.starts_at)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill(facilitator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/en/facilitate/$"))

    # Next month's session: who is coming, when attendance and closing open, nothing to press.
    page.get_by_role(
        "link", name=re.compile(r"^Roster and attendance\s*:\s*Health and Safety$")
    ).click()
    expect(page).to_have_url(re.compile(rf"/en/facilitate/sessions/{later.pk}/$"))
    attendance = page.get_by_role("region", name="Attendance")
    expect(attendance).to_contain_text(f"Attendance opens on {attendance_opens}.")
    expect(attendance.get_by_text("Ana Silva")).to_be_visible()
    closing = page.get_by_role("region", name="Close the session")
    expect(closing).to_contain_text(
        f"The session can be closed from {closing_opens}, once its last part has started."
    )
    expect(page.get_by_role("button", name="Close session")).to_have_count(0)
    expect(page.get_by_role("button", name="Save attendance")).to_have_count(0)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "The roster scrolls sideways on a phone"

    # Today's session, under way: close it, after a summary.
    page.get_by_role("link", name="My sessions to facilitate").click()
    page.get_by_role(
        "link", name=re.compile(r"^Roster and attendance\s*:\s*Bargaining Basics$")
    ).click()
    closing = page.get_by_role("region", name="Close the session")
    expect(closing).to_contain_text("1 person is not marked yet")
    closing.get_by_label("Mark everyone not yet marked as absent").check()
    closing.get_by_role("button", name="Close session").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the session?")
    completed = page.get_by_role("region", name="Completed: 1 person", exact=True)
    expect(completed).to_contain_text("Chen Wei")
    expect(page.get_by_role("region", name="Not completed: 0 people")).to_contain_text("Nobody.")
    unmarked = page.get_by_role("region", name="Not marked: 1 person")
    expect(unmarked).to_contain_text("Dana Walker")
    expect(unmarked).to_contain_text("They are marked absent when you close")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "The summary scrolls sideways on a phone"
    confirm = page.get_by_role("button", name="Confirm and close the session")
    box = confirm.bounding_box()
    assert box is not None and box["height"] >= 44, "The confirm button is too small to tap"
    confirm.click()

    expect(page.get_by_role("status").first).to_contain_text(
        "The session is closed: 1 completed, 1 did not."
    )
    outcomes = page.get_by_role("region", name="Outcomes")
    expect(
        outcomes.get_by_role("listitem").filter(has_text="Chen Wei").locator("strong")
    ).to_have_text("Completed")
    expect(
        outcomes.get_by_role("listitem").filter(has_text="Dana Walker").locator("strong")
    ).to_have_text("Not completed")

    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    later.refresh_from_db()
    today.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED
    assert today.status == SessionStatus.DELIVERED
    assert not later.enrollments.filter(attendance__isnull=False).exists()
