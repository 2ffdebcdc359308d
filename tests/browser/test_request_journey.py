"""A local officer asks for a strategic planning session; staff turn the request into a session.

workshop page → request form → "Request sent" → acknowledgement email with a private status
link; staff sign in to the admin → dashboard → the request → "Create session from request" with
the form prefilled from it; the officer's status page then shows the session scheduled.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from playwright.sync_api import expect

from courses.choices import RequestStatus
from courses.models import SessionRequest
from tests.factories import (
    PASSWORD,
    LocalFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
    make_staff_user,
)

WORKSHOP = "Strategic Planning for Your Local"
OFFICER = ("Robin Tremblay", "robin.tremblay@example.org")
STATUS_LINK = re.compile(r"https?://\S+/request-a-session/status/\S+/")


def on_live_server(url):
    """An absolute link from an email (made for the configured site URL) as a local path."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def emails_to(outbox, address):
    return [email for email in outbox if email.to == [address]]


def test_a_local_officer_asks_and_staff_schedule_the_session(
    page, browser, live_server, home_page, catalogue, mailoutbox
):
    # Build and read everything before the browser starts asking the live server for pages.
    workshop = WorkshopPageFactory(
        parent=catalogue, title=WORKSHOP, slug="strategic-planning", offered_on_request=True
    )
    SessionRequestPageFactory(parent=home_page, default_workshop=workshop)
    local = LocalFactory(number="3247", name="Social Services Workers", city="Laval")
    staff = make_staff_user(username="staff", first_name="Jordan")
    today = timezone.localdate()
    first_date = today + timedelta(days=45)
    second_date = today + timedelta(days=52)
    workshop_path = workshop.url

    # The officer finds the workshop and asks for it.
    page.goto(workshop_path)
    expect(page.get_by_text("Offered on request")).to_be_visible()
    page.get_by_role("link", name="Request this workshop for your local").click()

    expect(page).to_have_url(re.compile(r"/en/request-a-session/\?workshop=strategic-planning$"))
    form = page.locator("main form")
    expect(form.get_by_label("Workshop", exact=True)).to_have_value(str(workshop.pk))
    form.get_by_label("Your local", exact=True).fill("3247")
    form.get_by_label("Your name").fill(OFFICER[0])
    form.get_by_label("Your role in the local").fill("President")
    form.get_by_label("Email", exact=True).fill(OFFICER[1])
    form.get_by_label("Phone").fill("450-555-0142")
    form.get_by_label("What does your local want to achieve?").fill(
        "A three-year plan, and a steward at every site."
    )
    form.get_by_label("Expected number of participants").fill("500")
    form.get_by_label("First preferred date").fill(first_date.isoformat())
    form.get_by_label("Second preferred date").fill(second_date.isoformat())
    form.get_by_label("Location").fill("Union hall, Laval")
    form.get_by_role("radio", name="French").check()
    form.get_by_role("button", name="Send the request").click()

    # Too many participants: told at the field, everything else kept.
    participants = form.get_by_label("Expected number of participants")
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    expect(page.get_by_text("Enter a number of participants from 1 to 200.")).to_be_visible()
    expect(participants).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Your name")).to_have_value(OFFICER[0])
    expect(form.get_by_label("Second preferred date")).to_have_value(second_date.isoformat())
    participants.fill("18")
    form.get_by_role("button", name="Send the request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")
    expect(page.get_by_text(re.compile(r"REQ-\d{4}-\d{4}"))).to_be_visible()
    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    session_request = SessionRequest.objects.get()
    reference = session_request.reference
    assert session_request.local == local
    assert session_request.status == RequestStatus.NEW
    [acknowledgement] = emails_to(mailoutbox, OFFICER[1])
    assert reference in acknowledgement.subject
    status_path = on_live_server(STATUS_LINK.search(acknowledgement.body).group())

    # Staff find it from the admin's dashboard and make the session.
    staff_context = browser.new_context(base_url=live_server.url)
    admin = staff_context.new_page()
    try:
        admin.goto("/admin/login/")
        admin.get_by_label("Username").fill(staff.username)
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Sign in").click()

        panel = (
            admin.locator("#new-session-requests-section, section")
            .filter(has_text="Requests from locals")
            .first
        )
        expect(panel).to_contain_text("1 new request")
        panel.get_by_role("link", name="Open the oldest").click()

        expect(admin.get_by_role("heading", name=re.compile(reference))).to_be_visible()
        where = admin.get_by_role("region", name="Where it stands")
        expect(where).to_contain_text("New")
        where.get_by_role("link", name="Create session from request").click()

        expect(
            admin.get_by_role("heading", name=re.compile("Create session from request"))
        ).to_be_visible()
        expect(admin.get_by_role("textbox", name="Date*")).to_have_value(first_date.isoformat())
        expect(admin.get_by_label("Venue", exact=True)).to_have_value("Union hall, Laval")
        expect(admin.get_by_label("City", exact=True)).to_have_value("Laval")
        expect(admin.get_by_role("spinbutton", name=re.compile(r"^Capacity"))).to_have_value("18")
        admin.get_by_role("button", name="Create the session").click()

        expect(admin.get_by_text(re.compile(r"Session created for Local 3247"))).to_be_visible()
        expect(admin.get_by_role("region", name="Where it stands")).to_contain_text("Scheduled")
    finally:
        staff_context.close()

    # The officer's status page shows the session scheduled, in French: the local asked in
    # French, so the emailed link leads to the French page.
    assert status_path.startswith("/fr/")
    page.goto(status_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_text("Prévue", exact=True)).to_be_visible()
    session_region = page.get_by_role("region", name="Votre séance")
    expect(session_region).to_contain_text("Union hall, Laval")
    expect(session_region.get_by_role("link", name="S’inscrire à la séance")).to_be_visible()
    page.wait_for_load_state("networkidle")
    session_request.refresh_from_db()
    assert session_request.status == RequestStatus.SCHEDULED
    assert session_request.session.restricted_to_local == local
    # The local asked for a session in French: its emails are in French.
    assert [email.subject for email in emails_to(mailoutbox, OFFICER[1])] == [
        f"Nous avons reçu votre demande {reference}",
        f"Votre séance est prévue\u00a0: {reference}",
    ]
