"""A visitor picks their local from the suggestions as they type its number, with the keyboard
only, and enrols; on a phone, a tap picks one."""

import re

from playwright.sync_api import expect

from courses.models import PendingEnrollment
from tests.browser.test_roster_in_the_room import wait_until
from tests.factories import LocalFactory, SessionFactory, WorkshopPageFactory


def make_session(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, title="Health and Safety", slug="safety")
    for number, name, city in [
        ("32", "Hospital Workers", "Montréal"),
        ("3247", "Social Services Workers", "Laval"),
        ("3250", "School Board Employees", "Québec"),
        ("4100", "Library Workers", "Sherbrooke"),
    ]:
        LocalFactory(number=number, name=name, city=city)
    return SessionFactory(workshop=workshop, capacity=10)


def test_a_local_is_chosen_from_the_suggestions_with_the_keyboard(page, catalogue):
    session = make_session(catalogue)

    page.goto(f"/en/sessions/{session.pk}/enrol/")
    page.get_by_label("Your name").fill("Alex Rivera")
    page.get_by_label("Email", exact=True).fill("alex.rivera@example.org")
    field = page.get_by_role("combobox", name="Your local")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.click()
    field.press_sequentially("32")

    listbox = page.get_by_role("listbox", name="Suggested locals")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_text(
        [
            "32 — Hospital Workers, Montréal",
            "3247 — Social Services Workers, Laval",
            "3250 — School Board Employees, Québec",
        ]
    )
    expect(field).to_have_attribute("aria-expanded", "true")
    announcement = page.locator('[aria-live="polite"]').filter(has_text="3 locals suggested")
    expect(announcement).to_have_count(1)

    field.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    field.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    option_id = options.nth(1).get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", option_id)
    expect(field).to_be_focused()

    # Enter takes the local and does not send the form.
    field.press("Enter")
    expect(field).to_have_value("3247 — Social Services Workers")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(re.compile(rf"/en/sessions/{session.pk}/enrol/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Health and Safety")

    # Escape closes the list and keeps what was typed.
    field.fill("")
    field.press_sequentially("41")
    expect(listbox.get_by_role("option")).to_have_text(["4100 — Library Workers, Sherbrooke"])
    field.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_value("41")
    field.fill("3247 — Social Services Workers")
    field.press("Escape")

    page.get_by_role("radio", name="English").check()
    page.get_by_role("button", name="Email me a link to confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.wait_for_load_state("networkidle")  # the server is idle: the database is ours again
    pending = PendingEnrollment.objects.get()
    assert pending.email == "alex.rivera@example.org"
    assert pending.local.number == "3247"


def test_a_tap_chooses_a_local_on_a_phone(phone_page, catalogue):
    page = phone_page
    session = make_session(catalogue)

    page.goto(f"/en/sessions/{session.pk}/enrol/")
    field = page.get_by_role("combobox", name="Your local")
    field.tap()
    field.press_sequentially("hosp")
    option = page.get_by_role("option", name="32 — Hospital Workers, Montréal")
    expect(option).to_be_visible()
    option.tap()

    expect(field).to_have_value("32 — Hospital Workers")
    expect(page.get_by_role("listbox", name="Suggested locals")).to_be_hidden()
    # The field keeps the focus, and the page loaded no local it was not asked for.
    wait_until(page, "document.activeElement && document.activeElement.name === 'local'")
    assert "Library Workers" not in page.content()
