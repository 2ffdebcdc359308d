"""A member finds a workshop: home page → catalogue → filter by program → the workshop's outline.

Runs on the demo content (``manage.py load_demo``).
"""

import re

from playwright.sync_api import expect

from courses.models import Program, WorkshopIndexPage, WorkshopPage

PROGRAM = "Local Executive Training"
IN_PROGRAM = "Union Structure and Local Officers' Roles"
IN_ANOTHER_PROGRAM = "Stopping Workplace Bullying"


def test_member_finds_a_workshop_by_program_and_reads_its_outline(page, demo_site):
    # Read what the demo holds before the browser starts asking the live server for pages.
    catalogue = WorkshopIndexPage.objects.get(locale__language_code="en")
    program = Program.objects.get(title=PROGRAM)
    listing = catalogue.workshops().filter(program=program)
    in_program = sorted(listing.values_list("title", flat=True))
    workshop = WorkshopPage.objects.get(title=IN_PROGRAM)
    modules = [(module.value["title"], module.value["minutes"]) for module in workshop.curriculum]
    assert IN_PROGRAM in in_program
    assert IN_ANOTHER_PROGRAM not in in_program
    assert modules

    page.goto("/en/")
    page.get_by_role("main").get_by_role("link", name="Browse all workshops").click()

    expect(page).to_have_url(re.compile(r"/en/workshops/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogue.title)
    listed = page.get_by_role("article").get_by_role("heading", level=2)
    expect(listed.filter(has_text=IN_ANOTHER_PROGRAM)).to_have_count(1)

    page.get_by_label("Program").select_option(label=PROGRAM)
    page.get_by_role("button", name="Show workshops").click()

    expect(page).to_have_url(re.compile(rf"/en/workshops/\?(.*&)?program={program.slug}(&|$)"))
    expect(page.get_by_label("Program")).to_have_value(program.slug)
    expect(listed).to_have_count(len(in_program))
    assert sorted(listed.all_inner_texts()) == in_program
    expect(listed.filter(has_text=IN_ANOTHER_PROGRAM)).to_have_count(0)

    page.get_by_role("article").get_by_role("link", name=IN_PROGRAM, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/en/workshops/{workshop.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(IN_PROGRAM)
    expect(page.get_by_role("heading", name="Outline of the day")).to_be_visible()
    outline = page.locator(".curriculum").get_by_role("listitem")
    expect(outline).to_have_count(len(modules))
    for item, (title, minutes) in zip(outline.all(), modules, strict=True):
        expect(item).to_contain_text(title)
        expect(item).to_contain_text(re.compile(rf"\b{minutes} minutes\b"))
    total = sum(minutes for _, minutes in modules)
    expect(page.get_by_text(f"Total time: {total} minutes")).to_be_visible()
