"""Attendance in the room, on a phone: a room of thirty marked with "Mark everyone present" and
three exceptions; marks and a walk-in made with no signal, kept through a reload and sent once
when the network returns; two co-facilitators marking the same person from two phones.
"""

import re
import time

from django.urls import reverse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from courses.choices import AttendanceStatus, EnrollmentSource
from courses.models import Attendance, Enrollment, OfflineMark
from tests.browser.test_facilitation_journey import started_today
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    FacilitatorGuidePageFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

SCREEN_HEIGHT = 844
WALK_IN = ("Zoé Tremblay", "zoe.tremblay@example.org")


def people(count):
    return [
        (f"Member {index:02d} Lastname", f"member{index:02d}@example.org") for index in range(count)
    ]


def room(catalogue, size, *facilitators):
    workshop = WorkshopPageFactory(
        parent=catalogue, title="Bargaining Basics", slug="bargaining-basics", duration_hours=6
    )
    session = SessionFactory(
        workshop=workshop, start=started_today(), hours=6, facilitators=list(facilitators)
    )
    enrollments = {
        name: EnrollmentFactory(
            session=session, participant=ParticipantFactory(name=name, email=email)
        )
        for name, email in people(size)
    }
    return session, enrollments


def sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/en/facilitate/$"))


def open_roster(page, session):
    page.goto(f"/en/facilitate/sessions/{session.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bargaining Basics")


def wait_until(page, expression, timeout=10):
    """Wait for ``expression`` to be true in the page. Evaluated by the browser's own tools:
    the page's Content-Security-Policy forbids the evaluation ``wait_for_function`` uses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"Still false after {timeout} s: {expression}"
        time.sleep(0.1)


def wait_for_the_worker(page):
    """The service worker controls the page and keeps the pages "My sessions" lists: the
    roster opens from the phone with no signal."""
    wait_until(page, "Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")
    wanted = page.evaluate("JSON.parse(document.getElementById('offline-pages').textContent)")
    # Every page on the list, and the list itself.
    wait_until(
        page,
        "caches.open('facilitate-pages').then((cache) => cache.keys())"
        f".then((keys) => keys.length > {len(wanted)})",
        timeout=30,
    )


def row(page, name):
    return page.get_by_role("region", name="Attendance").get_by_role("group", name=name)


def test_a_room_of_thirty_is_marked_with_everyone_present_and_three_exceptions(
    phone_page, live_server, catalogue
):
    page = phone_page
    facilitator = make_facilitator_user(username="facilitator")
    session, enrollments = room(catalogue, 30, facilitator)
    names = list(enrollments)

    sign_in(page, "facilitator")
    open_roster(page, session)

    form_height = page.locator("#roster-form").bounding_box()["height"]
    assert form_height <= 3 * SCREEN_HEIGHT, f"The roster of 30 is {form_height} px high"
    # Nothing of the admin floats over the rows.
    expect(page.locator("wagtail-userbar")).to_have_count(0)
    save_bar = page.locator(".roster-bar")
    expect(save_bar.get_by_role("button", name="Save attendance")).to_be_in_viewport()

    page.get_by_role("button", name="Mark everyone present").click()
    expect(save_bar).to_contain_text("30 changes not saved.")
    row(page, names[3]).get_by_role("radio", name="Absent", exact=True).check()
    row(page, names[7]).get_by_role("radio", name="Excused", exact=True).check()
    partly = row(page, names[12])
    expect(partly.get_by_label("Hours attended")).to_be_hidden()
    partly.get_by_role("radio", name="Partly present", exact=True).check()
    expect(partly.get_by_label("Hours attended")).to_be_focused()
    partly.get_by_label("Hours attended").fill("4")

    # The filter finds a person by name, accents and case aside.
    page.get_by_label("Find a person").fill("member 2")
    expect(page.locator("#roster-filter-count")).to_have_text("10 people shown")
    page.get_by_label("Find a person").fill("")

    save_bar.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messages")).to_contain_text("Attendance saved (30 changes).")
    expect(save_bar).to_contain_text("Every mark on this page is saved.")

    page.wait_for_load_state("networkidle")
    marks = dict(
        Attendance.objects.filter(enrollment__session=session).values_list(
            "enrollment__participant__name", "status"
        )
    )
    assert len(marks) == 30
    exceptions = {names[3]: "absent", names[7]: "excused", names[12]: "partial"}
    assert {name: mark for name, mark in marks.items() if mark != AttendanceStatus.PRESENT} == (
        exceptions
    )
    assert Attendance.objects.get(enrollment=enrollments[names[12]]).hours_attended == 4


def test_marks_and_a_walk_in_made_with_no_signal_reach_the_server_once(
    phone_page, live_server, catalogue
):
    page = phone_page
    facilitator = make_facilitator_user(username="facilitator")
    session, enrollments = room(catalogue, 12, facilitator)
    guide = FacilitatorGuidePageFactory(parent=session.workshop)
    names = list(enrollments)

    sign_in(page, "facilitator")  # "My sessions" asks the phone to keep today's roster
    wait_for_the_worker(page)
    open_roster(page, session)
    wait_until(page, "navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    expect(page.locator("#roster-offline")).to_be_visible()
    for name in names[:9]:
        row(page, name).get_by_role("radio", name="Present", exact=True).check()
    row(page, names[9]).get_by_role("radio", name="Absent", exact=True).check()
    page.locator(".roster-bar").get_by_role("button", name="Save attendance").click()
    expect(page.locator(".roster-bar")).to_contain_text(
        "10 marks kept on this phone, not sent yet."
    )
    expect(row(page, names[0]).get_by_text("Not sent yet")).to_be_visible()

    walk_in = page.get_by_role("region", name="Add a walk-in")
    walk_in.get_by_label("Name").fill(WALK_IN[0])
    walk_in.get_by_label("Email").fill(WALK_IN[1])
    walk_in.get_by_role("button", name="Add and mark present").click()
    expect(page.locator("#pending-walk-ins")).to_contain_text(WALK_IN[0])
    expect(page.locator(".roster-bar")).to_contain_text("11 marks kept on this phone")

    # Closing the roster and opening it again with no signal loses nothing; the sign-in sheet
    # and the guide open too.
    context = page.context
    page.close()
    page = context.new_page()
    open_roster(page, session)
    for address in (
        reverse("facilitators:sign_in_sheet", args=[session.pk]),
        guide.url,
        reverse("facilitators:guide_pdf", args=[guide.pk]),
    ):
        status = page.evaluate(
            f"fetch('{address}').then((response) => response.status, (error) => String(error))"
        )
        assert status == 200, f"{address} did not open with no signal: {status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bargaining Basics")
    expect(page.locator(".roster-bar")).to_contain_text("11 marks kept on this phone")
    expect(row(page, names[9]).get_by_role("radio", name="Absent", exact=True)).to_be_checked()
    expect(page.locator("#pending-walk-ins")).to_contain_text(WALK_IN[0])
    # Nor does closing: it needs the network, and refuses with marks not sent.
    page.get_by_role("region", name="Close the session").get_by_role(
        "button", name="Close session"
    ).click()
    expect(page.locator("[data-close-refused]")).to_contain_text("needs a connection")

    page.context.set_offline(False)
    expect(page.locator(".roster-bar")).to_contain_text("Every mark on this page is saved.")
    expect(row(page, WALK_IN[0]).get_by_text("Walk-in")).to_be_visible()

    page.wait_for_load_state("networkidle")
    marks = dict(
        Attendance.objects.filter(enrollment__session=session).values_list(
            "enrollment__participant__name", "status"
        )
    )
    assert marks == {
        **dict.fromkeys(names[:9], AttendanceStatus.PRESENT),
        names[9]: AttendanceStatus.ABSENT,
        WALK_IN[0]: AttendanceStatus.PRESENT,
    }
    walk_ins = Enrollment.objects.filter(session=session, source=EnrollmentSource.WALK_IN)
    assert walk_ins.count() == 1
    assert OfflineMark.objects.filter(session=session).count() == 11


def test_two_phones_marking_the_same_person_keep_the_later_mark(browser, live_server, catalogue):
    first_facilitator = make_facilitator_user(username="fran")
    second_facilitator = make_facilitator_user(username="gil")
    session, enrollments = room(catalogue, 3, first_facilitator, second_facilitator)
    name = list(enrollments)[0]
    phones = []
    try:
        for username in ("fran", "gil"):
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
            )
            phone = context.new_page()
            sign_in(phone, username)
            wait_for_the_worker(phone)
            open_roster(phone, session)
            wait_until(phone, "navigator.serviceWorker.controller !== null")
            context.set_offline(True)
            phones.append(phone)
        fran, gil = phones

        row(fran, name).get_by_role("radio", name="Absent", exact=True).check()
        fran.locator(".roster-bar").get_by_role("button", name="Save attendance").click()
        expect(fran.locator(".roster-bar")).to_contain_text("1 mark kept on this phone")
        time.sleep(1.1)  # Gil marks later, seeing the person come in.
        row(gil, name).get_by_role("radio", name="Present", exact=True).check()
        gil.locator(".roster-bar").get_by_role("button", name="Save attendance").click()
        expect(gil.locator(".roster-bar")).to_contain_text("1 mark kept on this phone")

        # The later mark arrives first; the earlier one, arriving after, does not undo it.
        gil.context.set_offline(False)
        expect(gil.locator(".roster-bar")).to_contain_text("Every mark on this page is saved.")
        fran.context.set_offline(False)
        expect(fran.locator(".roster-bar")).to_contain_text("Every mark on this page is saved.")
        fran.wait_for_load_state("networkidle")
        gil.wait_for_load_state("networkidle")
    finally:
        for phone in phones:
            phone.context.close()

    enrollment = enrollments[name]
    assert Attendance.objects.get(enrollment=enrollment).status == AttendanceStatus.PRESENT
    outcomes = sorted(
        OfflineMark.objects.filter(enrollment=enrollment).values_list("outcome", flat=True)
    )
    assert outcomes == ["saved", "superseded"]


def serious_findings(page):
    """What axe-core finds on the page that is serious or critical, as ``(rule, target)``."""
    results = Axe().run(page)
    return [
        (violation["id"], node["target"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def test_the_roster_on_a_phone_has_no_serious_accessibility_findings(
    phone_page, live_server, catalogue
):
    page = phone_page
    facilitator = make_facilitator_user(username="facilitator")
    session, enrollments = room(catalogue, 6, facilitator)
    names = list(enrollments)

    sign_in(page, "facilitator")
    assert serious_findings(page) == []
    open_roster(page, session)
    row(page, names[1]).get_by_role("radio", name="Partly present", exact=True).check()
    page.get_by_label("Find a person").fill("member 0")

    assert serious_findings(page) == []
    # The keyboard reaches every choice, in order, and the hours of "partly present".
    page.get_by_label("Find a person").fill("")
    first = row(page, names[0]).get_by_role("radio", name="Present", exact=True)
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(
        row(page, names[0]).get_by_role("radio", name="Partly present", exact=True)
    ).to_be_checked()
    page.keyboard.press("Tab")
    expect(row(page, names[0]).get_by_label("Hours attended")).to_be_focused()
