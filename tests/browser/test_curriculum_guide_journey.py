"""Staff rename a module of a workshop's curriculum in the admin and publish; the facilitator's
guide, page and PDF, shows the new title at once, with the notes written for that module.

staff log in → the workshop's editor → the running total follows the minutes typed → rename a
module → publish → a facilitator logs in → My sessions → the guide for their session → its PDF.
"""

import io
import re

from django.utils import timezone

from playwright.sync_api import expect
from pypdf import PdfReader

from courses.choices import ActivityType
from tests.factories import (
    PASSWORD,
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_staff_user,
)

OLD_TITLE = "Steps of a grievance"
NEW_TITLE = "The grievance procedure, step by step"
NOTE = "Hand out the case cards before the groups form."


def module(title, minutes, activity_type=ActivityType.DISCUSSION):
    return {
        "type": "module",
        "value": {
            "title": title,
            "minutes": minutes,
            "activity_type": activity_type,
            "description": f"What happens in {title.lower()}.",
            "handout": None,
        },
    }


def sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pdf_text(content):
    return " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)


def test_a_renamed_module_shows_in_the_facilitators_guide_pdf(
    page, browser, live_server, catalogue
):
    # Build and read everything before the browser starts asking the live server for pages.
    staff = make_staff_user(username="staff", first_name="Jordan")
    workshop = WorkshopPageFactory(
        parent=catalogue,
        title="Grievance handling",
        slug="grievances",
        curriculum=[
            module("Welcome", 60),
            module(OLD_TITLE, 120, ActivityType.SMALL_GROUPS),
            module("Writing the grievance", 180, ActivityType.CASE_STUDY),
        ],
    )
    steps_id = workshop.curriculum[1].id
    FacilitatorGuidePageFactory(
        parent=workshop,
        agenda=[
            {
                "type": "module",
                "value": {
                    "module": steps_id,
                    "notes": NOTE,
                    "purpose": "",
                    "steps": [],
                    "debrief": "",
                },
            }
        ],
    )
    facilitator = FacilitatorFactory(
        user__username="nadia", user__first_name="Nadia", certified_workshops=[workshop]
    ).user
    session = SessionFactory(
        workshop=workshop,
        start=timezone.now() + timezone.timedelta(days=10),
        facilitators=[facilitator],
    )
    edit_url = f"/admin/pages/{workshop.pk}/edit/"
    staff_username, facilitator_username = staff.username, facilitator.username

    # Staff open the workshop in the editor: the running total says the modules fill the day.
    sign_in(page, staff_username)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(edit_url)
    total = page.locator("[data-curriculum-total]")
    expect(total).to_have_text("The modules add up to 360 minutes, as the duration needs.")

    # Typing minutes updates the total at once; putting them back makes it add up again.
    minutes = page.locator('input[name="curriculum-0-value-minutes"]')
    minutes.fill("90")
    expect(total).to_contain_text(
        "The modules add up to 390 minutes, but a 6-hour workshop needs 360 minutes."
    )
    minutes.fill("60")
    expect(total).to_have_text("The modules add up to 360 minutes, as the duration needs.")

    # Rename the module and publish.
    title = page.locator('input[name="curriculum-1-value-title"]')
    expect(title).to_have_value(OLD_TITLE)
    title.fill(NEW_TITLE)
    page.locator(".w-dropdown-button").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("published")

    # The facilitator finds the session in their week and opens its guide, then its PDF.
    context = browser.new_context(base_url=live_server.url)
    try:
        facilitator_page = context.new_page()
        sign_in(facilitator_page, facilitator_username)
        expect(facilitator_page).to_have_url(re.compile(r"/en/facilitate/$"))
        facilitator_page.get_by_role(
            "link", name=re.compile(r"^Facilitator guide\s*:\s*Grievance handling$")
        ).click()
        expect(facilitator_page.get_by_role("row", name=re.compile(NEW_TITLE))).to_contain_text(
            NOTE
        )
        expect(facilitator_page.get_by_text(OLD_TITLE)).to_have_count(0)

        link = facilitator_page.get_by_role("link", name="Download this guide as PDF")
        href = link.get_attribute("href")
        assert href.endswith(f"?session={session.pk}")
        response = context.request.get(href)
        assert response.ok
        assert response.headers["content-type"] == "application/pdf"
        text = pdf_text(response.body())
        assert NEW_TITLE in " ".join(text.split())
        assert OLD_TITLE not in text
        assert NOTE in " ".join(text.split())
    finally:
        context.close()
