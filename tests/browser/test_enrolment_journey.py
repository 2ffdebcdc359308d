"""A visitor takes the last seat of a session by confirming from the emailed link, comes back
by a sign-in link and gives the seat up.

workshop page → enrol form → "Check your email" → the link's page (a mail scanner opening it
first changes nothing) → "Confirm my place" → "You are enrolled" → My learning → sign out →
sign-in link by email → "Sign in" → My learning → cancel; the first person on the waitlist then
gets the seat and an email saying so.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from courses.choices import EnrollmentStatus
from courses.models import Enrollment
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

WORKSHOP = "Handling Conflict"
VISITOR_NAME = "Alex Rivera"
VISITOR_EMAIL = "alex.rivera@example.org"
WAITING_EMAIL = "sam.waiting@example.org"

SIGN_IN_LINK = re.compile(r"https?://\S+/sign-in/link/\S+")
CONFIRM_LINK = re.compile(r"https?://\S+/enrolments/confirm/\S+/")


def on_live_server(url):
    """An absolute link from an email (made for the configured site URL) as a local path."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def emails_to(outbox, address, subject):
    return [email for email in outbox if email.to == [address] and email.subject == subject]


def test_a_visitor_takes_the_last_seat_and_gives_it_back_to_the_waitlist(
    page, browser, live_server, catalogue, mailoutbox
):
    # Build and read everything before the browser starts asking the live server for pages.
    workshop = WorkshopPageFactory(parent=catalogue, title=WORKSHOP, slug="handling-conflict")
    local = LocalFactory(number="3247")
    session = SessionFactory(workshop=workshop, capacity=2)
    already_seated = EnrollmentFactory(session=session, participant__local=local)
    workshop_path = workshop.url

    page.goto(workshop_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(WORKSHOP)
    sessions = page.get_by_role("region", name="Upcoming sessions")
    expect(sessions.get_by_text("1 place left")).to_be_visible()
    sessions.get_by_role("link", name=re.compile(r"^Enrol\b")).click()

    expect(page).to_have_url(re.compile(rf"/en/sessions/{session.pk}/enrol/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(WORKSHOP)
    page.get_by_label("Your name").fill(VISITOR_NAME)
    page.get_by_label("Email", exact=True).fill(VISITOR_EMAIL)
    page.get_by_label("Your local").fill(local.number)
    page.get_by_role("radio", name="English").check()
    page.get_by_role("button", name="Email me a link to confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text(VISITOR_EMAIL)).to_be_visible()
    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    assert not Enrollment.objects.filter(participant__email=VISITOR_EMAIL).exists()
    [confirm_email] = emails_to(mailoutbox, VISITOR_EMAIL, f"Confirm your place: {WORKSHOP}")
    confirm_link = on_live_server(CONFIRM_LINK.search(confirm_email.body).group())

    # A mail scanner opens the link in a browser of its own: nothing happens.
    scanner = browser.new_context(base_url=live_server.url)
    scanned = scanner.new_page()
    scanned.goto(confirm_link)
    expect(scanned.get_by_role("button", name="Confirm my place")).to_be_visible()
    scanner.close()
    assert not Enrollment.objects.filter(participant__email=VISITOR_EMAIL).exists()

    page.goto(confirm_link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm your place")
    expect(page.get_by_label("Your name")).to_have_value(VISITOR_NAME)
    page.get_by_role("button", name="Confirm my place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are enrolled")
    expect(page.get_by_text(VISITOR_EMAIL)).to_be_visible()
    page.wait_for_load_state("networkidle")
    visitor = Enrollment.objects.get(participant__email=VISITOR_EMAIL)
    assert visitor.session_id == session.pk
    assert visitor.status == EnrollmentStatus.CONFIRMED
    assert emails_to(mailoutbox, VISITOR_EMAIL, f"You are enrolled: {WORKSHOP}")
    # The session is full now: the next person to enrol waits.
    waiting = EnrollmentFactory(
        session=session,
        status=EnrollmentStatus.WAITLISTED,
        participant=ParticipantFactory(email=WAITING_EMAIL, local=local),
    )

    # Confirming signed the visitor in: My learning shows the seat.
    page.get_by_role("link", name="See all your enrolments in My learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    upcoming = page.get_by_role("region", name="Upcoming sessions")
    expect(upcoming.get_by_role("heading", level=3)).to_have_text(WORKSHOP)
    page.get_by_role("button", name="Sign out").click()

    # Coming back later, by a sign-in link.
    page.goto("/en/my-learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My learning")
    page.get_by_label("Email").fill(VISITOR_EMAIL)
    page.get_by_role("button", name="Email me a sign-in link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    [sign_in_email] = emails_to(mailoutbox, VISITOR_EMAIL, "Sign in to My learning")
    link = SIGN_IN_LINK.search(sign_in_email.body).group()
    page.goto(on_live_server(link))
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(re.compile(r"/en/my-learning/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_text(f"Welcome, {VISITOR_NAME}.")).to_be_visible()
    upcoming = page.get_by_role("region", name="Upcoming sessions")
    expect(upcoming.get_by_role("heading", level=3)).to_have_text(WORKSHOP)
    expect(upcoming.get_by_text("Confirmed", exact=True)).to_be_visible()

    # The link's name ends with the workshop's title, hidden from sight (" (Handling Conflict)").
    cancel = re.compile(rf"^Cancel my enrolment\s*\({re.escape(WORKSHOP)}\)$")
    upcoming.get_by_role("link", name=cancel).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your enrolment?")
    page.get_by_role("button", name="Yes, cancel my enrolment").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Your enrolment in “{WORKSHOP}” is cancelled."
    )
    expect(upcoming.get_by_text("You have no upcoming sessions.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    visitor.refresh_from_db()
    waiting.refresh_from_db()
    already_seated.refresh_from_db()
    assert visitor.status == EnrollmentStatus.CANCELLED
    assert waiting.status == EnrollmentStatus.CONFIRMED
    assert already_seated.status == EnrollmentStatus.CONFIRMED
    assert session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count() == 2
    assert emails_to(mailoutbox, WAITING_EMAIL, f"A place opened up: {WORKSHOP}")
    assert emails_to(mailoutbox, VISITOR_EMAIL, f"Enrolment cancelled: {WORKSHOP}")
