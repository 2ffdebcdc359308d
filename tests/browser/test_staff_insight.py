"""Education staff look at the year: the admin dashboard's panels and chart, then a report with
its chart and table. Screenshots of both are saved under tests/browser/screenshots/ (not kept
in git) for people to look at.

Runs on the demo content (``manage.py load_demo``).
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS_DIR

PASSWORD = "changeme"


def screenshot(page, name):
    """The whole page: the admin scrolls inside its own frame, so the window is made tall."""
    page.set_viewport_size({"width": 1280, "height": 2600})
    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    path = SCREENSHOTS_DIR / f"staff-insight-{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_staff_read_the_dashboard_and_a_report(page, demo_site):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    for heading in ("Upcoming sessions", "Sessions over but not closed", "The program this year"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    panel = page.locator("section", has=page.get_by_role("heading", name="The program this year"))
    chart = panel.locator("svg[role='img']")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("aria-labelledby", re.compile(r"\S"))
    screenshot(page, "dashboard")

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto("/admin/education-reports/demand/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demand per workshop")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    table = page.locator("table.listing").first
    expect(table).to_contain_text("Strategic Planning for Your Local")
    screenshot(page, "demand-report")
