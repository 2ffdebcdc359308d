"""Education staff filter the enrolments by a session chosen in the session chooser: the filter
lists no sessions of its own, the chooser's window finds one, and the listing follows at once.

Runs on the demo content (``manage.py load_demo``).
"""

import re

from playwright.sync_api import expect

PASSWORD = "changeme"


def test_staff_filter_the_enrolments_by_a_chosen_session(page, demo_site):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/snippets/courses/enrollment/")
    rows = page.locator("table.listing tbody tr")
    expect(rows.first).to_be_visible()
    before = rows.count()

    page.get_by_role("button", name="Show filters").click()
    page.locator("[data-w-drilldown-target='toggle']", has_text="Session").click()
    filter_panel = page.locator("#drilldown-id_session")
    expect(filter_panel.locator("select")).to_have_count(0)
    filter_panel.get_by_role("button", name="Choose session").click()

    modal = page.locator(".modal-content")
    choice = modal.locator("a[data-chooser-modal-choice]").first
    expect(choice).to_be_visible()
    label = choice.inner_text().strip()
    choice.click()

    expect(modal).to_be_hidden()
    expect(filter_panel.locator("[data-chooser-title]")).to_have_text(label)
    expect(page).to_have_url(re.compile(r"[?&]session=\d+"))
    # The listing shows the chosen session's enrolments only, named among the active filters.
    active = page.locator("[data-w-active-filter-id]")
    expect(active).to_contain_text(label)
    expect(rows.first).to_be_visible()
    sessions = page.locator("table.listing tbody tr td:nth-child(3)").all_inner_texts()
    assert sessions and all(label in text for text in sessions), (label, sessions)
    assert len(sessions) <= before

    # The address alone brings the same listing, the chooser showing the session.
    page.reload()
    page.get_by_role("button", name="Show filters").click()
    page.locator("[data-w-drilldown-target='toggle']", has_text="Session").click()
    expect(filter_panel.locator("[data-chooser-title]")).to_have_text(label)
