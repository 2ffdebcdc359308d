"""Self check-in by QR code: the facilitator shows the session's code on their phone, a
participant opens it on a phone of their own, checks in by the emailed link, and the roster
shows them as checked in for the facilitator to confirm: nobody is marked present by it."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from courses.models import Attendance
from facilitators.models import CheckIn
from tests.browser.test_facilitation_journey import emails_to, on_live_server
from tests.browser.test_roster_in_the_room import (
    open_roster,
    room,
    row,
    serious_findings,
    sign_in,
)
from tests.factories import make_facilitator_user

LINK = re.compile(r"https?://\S+/check-in/link/\S+")


def test_a_participant_checks_in_by_the_code_on_the_facilitators_screen(
    phone_page, browser, live_server, catalogue, mailoutbox
):
    page = phone_page
    facilitator = make_facilitator_user(username="facilitator")
    session, enrollments = room(catalogue, 3, facilitator)
    name, enrollment = next(iter(enrollments.items()))
    email = enrollment.participant.email

    sign_in(page, "facilitator")
    open_roster(page, session)
    page.get_by_role("link", name="Show the check-in code").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in code")
    expect(page.get_by_role("img", name=re.compile("QR code to check in"))).to_be_visible()
    address = page.locator("strong").filter(has_text="/check-in/").inner_text().strip()
    assert serious_findings(page) == []

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        member = context.new_page()
        member.goto(urlsplit(address).path)
        expect(member.get_by_role("heading", level=1)).to_contain_text("Check in")
        assert serious_findings(member) == []
        member.get_by_label("Email").fill(email)
        member.get_by_role("button", name="Email me a link to check in").click()
        expect(member.get_by_role("heading", level=1)).to_have_text("Check your email")

        member.wait_for_load_state("networkidle")
        [message] = emails_to(mailoutbox, email, "Check in: Bargaining Basics")
        link = LINK.search(message.body).group()
        member.goto(on_live_server(link))
        assert not CheckIn.objects.exists(), "Opening the link checked in by itself"
        member.get_by_role("button", name="Check in", exact=True).click()
        expect(member.get_by_role("heading", level=1)).to_have_text("You are checked in")

        # Opening the link again changes nothing.
        member.goto(on_live_server(link))
        expect(member.get_by_role("heading", level=1)).to_have_text("You were already checked in")
    finally:
        context.close()

    open_roster(page, session)
    checked_in = row(page, name)
    expect(checked_in.get_by_text(re.compile(r"Checked in at"))).to_be_visible()
    expect(checked_in.get_by_text("Not marked")).to_be_visible()

    page.wait_for_load_state("networkidle")
    assert CheckIn.objects.filter(enrollment=enrollment).count() == 1
    assert not Attendance.objects.filter(enrollment__session=session).exists()
