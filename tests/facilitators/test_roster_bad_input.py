"""Bad input on the roster, the walk-in and close forms and the facilitation PDFs.

Whatever is posted, the roster answers with a page: the roster re-rendered with a message at
the person's row or at the field, and everything the facilitator typed still there. Unknown
addresses are 404, wrong methods 405; never a 500.
"""

from datetime import timedelta
from html import escape

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.attendance.rules import InvalidMark, mark_attendance
from courses.choices import SessionStatus
from courses.models import Attendance, Enrollment, Participant
from tests.factories import (
    EnrollmentFactory,
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
)

HUGE_ID = "99999999999999999999"
LONG = "9" * 10_000


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", duration_hours=6)


@pytest.fixture
def session(workshop, facilitator):
    start = (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0)
    return SessionFactory(workshop=workshop, start=start, facilitators=[facilitator])


@pytest.fixture
def people(session):
    return {
        name: EnrollmentFactory(session=session, participant__name=name)
        for name in ("Ana Silva", "Ben Okafor", "Chloé Roy")
    }


@pytest.fixture
def client(client, facilitator):
    client.force_login(facilitator)
    return client


def roster_url(session):
    return reverse("facilitators:roster", args=[session.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def rows_shown(response):
    """{name: (status, hours)} as the re-rendered roster shows them."""
    return {
        row.enrollment.participant.name: (row.status, row.hours) for row in response.context["rows"]
    }


def errors_shown(response):
    return {row.enrollment.participant.name: row.error for row in response.context["row_errors"]}


def hours_input(row_pk, value):
    return f'name="hours-{row_pk}" id="hours-{row_pk}" value="{escape(value)}"'


# Hours


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ("1e309", "Hours for Ben Okafor must be between 0 and 6."),
        ("99999999999999999999", "Hours for Ben Okafor must be between 0 and 6."),
        (LONG, "Hours for Ben Okafor must be between 0 and 6."),
        ("1e-999999999", None),
        ("-1", "Hours for Ben Okafor must be between 0 and 6."),
        ("NaN", "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
        ("sNaN", "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
        ("Infinity", "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
        ("abc", "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
        ("4\x00", "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
        ("x" * 10_000, "Enter the hours Ben Okafor attended as a number, such as 4 or 4.5."),
    ],
)
def test_bad_hours_are_refused_at_the_row_and_every_row_is_kept(
    client, session, people, hours, error
):
    ana, ben, chloe = people.values()
    data = {
        "action": "mark",
        f"status-{ana.pk}": "present",
        f"hours-{ana.pk}": "5",
        f"status-{ben.pk}": "partial",
        f"hours-{ben.pk}": hours,
        f"status-{chloe.pk}": "absent",
        f"hours-{chloe.pk}": "",
    }

    response = client.post(roster_url(session), data)

    if error is None:  # so small it rounds to no hours: a partial mark of 0 hours
        assert response.status_code == 302
        assert Attendance.objects.get(enrollment=ben).hours_attended == 0
        return
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert errors_shown(response) == {"Ben Okafor": error}
    assert rows_shown(response) == {
        "Ana Silva": ("present", "5"),
        "Ben Okafor": ("partial", hours),
        "Chloé Roy": ("absent", ""),
    }
    html = response.content.decode()
    assert hours_input(ana.pk, "5") in html
    assert hours_input(ben.pk, hours) in html
    assert f'id="status-{chloe.pk}-absent" value="absent" checked' in html
    assert 'role="alert"' in html
    assert "Attendance was not saved: see the people marked below." in messages_of(response)


@pytest.mark.parametrize("hours", ["1e309", "9" * 10_000, "-1e309"])
def test_the_rules_refuse_hours_too_big_to_be_hours(session, people, facilitator, hours):
    ben = people["Ben Okafor"]

    with pytest.raises(InvalidMark) as refusal:
        mark_attendance(session.pk, {ben.pk: ("partial", hours)}, user=facilitator)

    assert refusal.value.enrollment_id == ben.pk
    assert refusal.value.message == "Hours for Ben Okafor must be between 0 and 6."
    assert not Attendance.objects.exists()


def test_every_bad_row_is_shown_at_once(client, session, people):
    ana, ben, chloe = people.values()
    data = {
        "action": "mark",
        f"status-{ana.pk}": "present",
        f"hours-{ana.pk}": "1e309",
        f"status-{ben.pk}": "partial",
        f"hours-{ben.pk}": "",
        f"status-{chloe.pk}": "",
        f"hours-{chloe.pk}": "2",
    }

    response = client.post(roster_url(session), data)

    assert response.status_code == 200
    assert errors_shown(response) == {
        "Ana Silva": "Hours for Ana Silva must be between 0 and 6.",
        "Ben Okafor": "Enter the hours Ben Okafor attended.",
        "Chloé Roy": "Choose how Chloé Roy attended.",
    }
    assert not Attendance.objects.exists()


# Statuses


@pytest.mark.parametrize("status", ["\x00", "present\x00", "x" * 10_000, "PRESENT", "1"])
def test_an_unknown_status_is_refused_at_the_row(client, session, people, status):
    ana, ben, _ = people.values()
    data = {
        "action": "mark",
        f"status-{ana.pk}": "excused",
        f"hours-{ana.pk}": "",
        f"status-{ben.pk}": status,
        f"hours-{ben.pk}": "3",
    }

    response = client.post(roster_url(session), data)

    assert response.status_code == 200
    assert errors_shown(response) == {
        "Ben Okafor": "Choose present, partly present, absent or excused for Ben Okafor."
    }
    assert rows_shown(response)["Ana Silva"] == ("excused", "")
    assert rows_shown(response)["Ben Okafor"] == (status, "3")
    assert not Attendance.objects.exists()


def test_a_roster_posted_without_any_status_saves_nothing_and_says_so(client, session, people):
    response = client.post(roster_url(session), {"action": "mark"}, follow=True)

    assert response.status_code == 200
    assert "Nothing to save: choose how each person attended first." in messages_of(response)
    assert not Attendance.objects.exists()


# Enrolment ids in the field names


def test_fields_of_unknown_people_and_other_sessions_are_ignored(client, session, people, workshop):
    other = EnrollmentFactory(session=SessionFactory(workshop=workshop))
    waitlisted = EnrollmentFactory(session=session, status="waitlisted")
    ana = people["Ana Silva"]
    data = {
        "action": "mark",
        f"status-{ana.pk}": "present",
        f"status-{other.pk}": "present",
        f"hours-{other.pk}": "6",
        f"status-{waitlisted.pk}": "present",
        f"status-{HUGE_ID}": "present",
        f"hours-{HUGE_ID}": "6",
        "status--1": "present",
        "status-abc": "present",
        "status-\x00": "present",
        f"seen-{HUGE_ID}": "garbage",
    }

    response = client.post(roster_url(session), data)

    assert response.status_code == 302
    assert list(Attendance.objects.values_list("enrollment_id", flat=True)) == [ana.pk]


# Methods and addresses


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_roster_answers_other_methods_with_405(client, session, people, method):
    response = getattr(client, method)(roster_url(session))

    assert response.status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_roster_answers_other_methods_with_405_before_log_in(client, session, method):
    client.logout()

    assert getattr(client, method)(roster_url(session)).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        f"/en/facilitate/sessions/{HUGE_ID}/",
        "/en/facilitate/sessions/999999/",
        "/en/facilitate/sessions/-1/",
        "/en/facilitate/sessions/0/",
        f"/en/facilitate/sessions/{HUGE_ID}/sign-in-sheet.pdf",
        "/en/facilitate/sessions/999999/sign-in-sheet.pdf",
        "/en/facilitate/sessions/-1/sign-in-sheet.pdf",
        f"/en/facilitate/guides/{HUGE_ID}/guide.pdf",
        "/en/facilitate/guides/999999/guide.pdf",
        "/en/facilitate/guides/-1/guide.pdf",
    ],
)
def test_unknown_and_huge_ids_are_not_found(client, staff, path):
    client.force_login(staff)

    assert client.get(path).status_code == 404
    if "pdf" not in path:
        assert client.post(path, {"action": "mark"}).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_the_pdfs_answer_other_methods_with_405(client, session, workshop, method):
    guide = FacilitatorGuidePageFactory(parent=workshop)
    for url in (
        reverse("facilitators:sign_in_sheet", args=[session.pk]),
        reverse("facilitators:guide_pdf", args=[guide.pk]),
    ):
        assert getattr(client, method)(url).status_code == 405


def test_the_guide_pdf_of_a_page_that_is_not_a_guide_is_not_found(client, workshop):
    assert client.get(reverse("facilitators:guide_pdf", args=[workshop.pk])).status_code == 404


def test_a_garbage_action_changes_nothing(client, session, people):
    for action in ("", "\x00", "x" * 10_000, "delete"):
        response = client.post(roster_url(session), {"action": action})
        assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.exists()


# Walk-ins


def walk_in(client, session, **fields):
    data = {"action": "walk_in", "walk_in-name": "", "walk_in-email": "", "walk_in-local": ""}
    data.update({f"walk_in-{name}": value for name, value in fields.items()})
    return client.post(roster_url(session), data)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "N" * 201, "email": "long@example.org"}, "name"),
        ({"name": "Nul\x00Byte", "email": "nul@example.org"}, "name"),
        ({"name": "   ", "email": "blank@example.org"}, "name"),
        ({"name": "Eve New", "email": "not an email"}, "email"),
        ({"name": "Eve New", "email": "eve\x00@example.org"}, "email"),
        ({"name": "Eve New", "email": "e" * 250 + "@example.org"}, "email"),
        ({"name": "Eve New", "email": "e" * 10_000 + "@example.org"}, "email"),
        ({"name": "Eve New", "email": "eve@example.org", "local": "3247\x00"}, "local"),
        ({"name": "Eve New", "email": "eve@example.org", "local": "L" * 10_000}, "local"),
        ({"name": "Eve New", "email": "eve@example.org", "local": HUGE_ID}, "local"),
    ],
)
def test_a_bad_walk_in_is_refused_at_the_field_and_kept(client, session, people, fields, field):
    response = walk_in(client, session, **fields)

    assert response.status_code == 200
    form = response.context["walk_in_form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert 'id="walk-in-errors" role="alert"' in html
    for name, value in fields.items():
        if value.strip():
            assert form[name].value() == value
            assert f'value="{escape(value)}"' in html
    assert 'aria-invalid="true"' in html
    assert Participant.objects.count() == 3
    assert Enrollment.objects.filter(session=session).count() == 3
    assert "The walk-in was not added: see the form below." in messages_of(response)


# Closing


@pytest.mark.parametrize(
    "data",
    [
        {"close-mark_unmarked_absent": "\x00"},
        {"close-mark_unmarked_absent": "x" * 10_000},
        {"roster_seen": "1", f"seen-{HUGE_ID}": "\x00", "seen-abc": "x" * 10_000},
        {"roster_seen": "\x00"},
    ],
)
def test_garbage_in_the_close_form_never_closes_over_unmarked_people(client, session, people, data):
    response = client.post(roster_url(session), {"action": "close", **data})

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.exists()
