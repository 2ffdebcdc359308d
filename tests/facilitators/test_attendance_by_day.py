"""Attendance by day for a session of several parts: the roster takes it one day at a time,
the summary and the outcomes show each day, the admin's People page has a column per day and
the sign-in sheet a column to sign per day. A session of one part is as it always was."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from courses.attendance.rules import mark_attendance, session_parts
from courses.choices import SessionStatus
from courses.models import Attendance, AttendanceDay
from tests.facilitators.pages import buttons, form_data
from tests.factories import EnrollmentFactory, SessionFactory, WorkshopPageFactory

#: The roster of a session of several parts: the roster's own queries (the workshop's title in
#: the page's language included) and one for the marks by day, whatever the number of people.
ROSTER_QUERIES = 17


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Grievance handling", duration_hours=6, issues_certificate=False
    )


@pytest.fixture
def two_days(workshop, facilitator):
    """Two mornings of three hours: yesterday's, and today's, under way for an hour."""
    start = (timezone.now() - timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    return SessionFactory(
        workshop=workshop, start=start, hours=3, days=2, facilitators=[facilitator]
    )


@pytest.fixture
def people(two_days):
    return {
        name: EnrollmentFactory(session=two_days, participant__name=name)
        for name in ("Ana Silva", "Ben Okafor")
    }


@pytest.fixture
def client(client, facilitator):
    client.force_login(facilitator)
    return client


def roster_url(session, part=None):
    url = reverse("facilitators:roster", args=[session.pk])
    return f"{url}?part={part.pk}" if part is not None else url


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def marks_by_day():
    return {
        (day.enrollment.participant.name, day.part_id): (day.status, day.hours_attended)
        for day in AttendanceDay.objects.select_related("enrollment__participant")
    }


def test_the_roster_shows_todays_part_and_a_link_to_each_day(client, two_days, people):
    first, second = session_parts(two_days)

    response = client.get(roster_url(two_days))

    assert response.context["part"] == second
    html = response.content.decode()
    assert f'href="{roster_url(two_days, first)}"' in html
    assert f'href="{roster_url(two_days, second)}" aria-current="page"' in html
    ana = people["Ana Silva"]
    assert f'name="status-{ana.pk}-{second.pk}"' in html
    assert f'name="status-{ana.pk}-{first.pk}"' not in html
    assert f'<input type="hidden" name="part" value="{second.pk}">' in html
    assert "Present counts this day’s 3 hours" in html


def test_each_day_is_marked_on_its_own_page(client, two_days, people):
    first, second = session_parts(two_days)
    ana, ben = people["Ana Silva"], people["Ben Okafor"]
    day_one = client.get(roster_url(two_days, first))

    response = client.post(
        roster_url(two_days, first),
        form_data(
            day_one,
            "mark",
            typed={
                f"status-{ana.pk}-{first.pk}": "present",
                f"status-{ben.pk}-{first.pk}": "partial",
                f"hours-{ben.pk}-{first.pk}": "1,5",
            },
        ),
    )

    assert response.status_code == 302
    assert response.url == roster_url(two_days, first)
    assert marks_by_day() == {
        ("Ana Silva", first.pk): ("present", Decimal("3.00")),
        ("Ben Okafor", first.pk): ("partial", Decimal("1.50")),
    }
    assert not Attendance.objects.exists()

    day_two = client.get(roster_url(two_days, second))
    client.post(
        roster_url(two_days, second),
        form_data(
            day_two,
            "mark",
            typed={
                f"status-{ana.pk}-{second.pk}": "present",
                f"status-{ben.pk}-{second.pk}": "absent",
            },
        ),
    )

    totals = {a.enrollment_id: (a.status, a.hours_attended) for a in Attendance.objects.all()}
    assert totals == {ana.pk: ("present", Decimal("6.00")), ben.pk: ("partial", Decimal("1.50"))}
    day_one_again = client.get(roster_url(two_days, first)).content.decode()
    assert f'id="status-{ben.pk}-{first.pk}-partial" value="partial" checked' in day_one_again
    assert 'value="1.5"' in day_one_again


def test_marks_of_one_day_never_land_on_another(client, two_days, people):
    first, second = session_parts(two_days)
    ana = people["Ana Silva"]
    day_one = client.get(roster_url(two_days, first))
    data = form_data(day_one, "mark", typed={f"status-{ana.pk}-{first.pk}": "absent"})

    wrong_day = client.post(roster_url(two_days), {**data, "part": str(second.pk)}, follow=True)
    unknown_day = client.post(roster_url(two_days), {**data, "part": "99999"}, follow=True)

    assert not AttendanceDay.objects.exists()
    assert "Nothing to save: choose how each person attended first." in messages_of(wrong_day)
    assert unknown_day.status_code == 200
    assert "This day is not part of this session: nothing was saved." in messages_of(unknown_day)


def test_an_unknown_day_in_the_address_shows_todays(client, two_days, people):
    _first, second = session_parts(two_days)

    for garbage in ("x", "99999999999999999999999", "", "-1"):
        response = client.get(f"{roster_url(two_days)}?part={garbage}")
        assert response.status_code == 200
        assert response.context["part"] == second


def test_the_hours_of_a_day_are_at_most_its_share(client, two_days, people):
    first, _second = session_parts(two_days)
    ben = people["Ben Okafor"]
    day_one = client.get(roster_url(two_days, first))

    response = client.post(
        roster_url(two_days, first),
        form_data(
            day_one,
            "mark",
            typed={f"status-{ben.pk}-{first.pk}": "partial", f"hours-{ben.pk}-{first.pk}": "4"},
        ),
    )

    assert response.status_code == 200
    (row,) = response.context["row_errors"]
    assert row.error == "Hours for Ben Okafor must be between 0 and 3."
    assert f'name="hours-{ben.pk}-{first.pk}" id="hours-{ben.pk}-{first.pk}" value="4"' in (
        response.content.decode()
    )
    assert not AttendanceDay.objects.exists()


def test_a_later_day_is_not_open_before_it_starts(client, workshop, facilitator):
    start = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    today_and_tomorrow = SessionFactory(
        workshop=workshop, start=start, hours=3, days=2, facilitators=[facilitator]
    )
    EnrollmentFactory(session=today_and_tomorrow)
    _first, second = session_parts(today_and_tomorrow)

    today = client.get(roster_url(today_and_tomorrow))
    tomorrow = client.get(roster_url(today_and_tomorrow, second))

    assert buttons(today) == ["mark", "walk_in"]
    assert buttons(tomorrow) == []
    assert "Attendance for Day 2" in tomorrow.content.decode()
    assert "not open yet" in today.content.decode()


def test_a_walk_in_is_marked_present_on_the_day_shown(client, two_days, people):
    first, second = session_parts(two_days)

    client.post(
        roster_url(two_days, first),
        {
            "action": "walk_in",
            "part": str(first.pk),
            "walk_in-name": "Eve New",
            "walk_in-email": "eve@example.org",
        },
    )

    assert marks_by_day() == {("Eve New", first.pk): ("present", Decimal("3.00"))}


def test_the_summary_and_the_outcomes_show_each_day(client, two_days, people, facilitator):
    first, second = session_parts(two_days)
    ana, ben = people["Ana Silva"], people["Ben Okafor"]
    for part in (first, second):
        mark_attendance(two_days.pk, {ana.pk: ("present", None)}, user=facilitator, part_id=part.pk)
    mark_attendance(two_days.pk, {ben.pk: ("present", None)}, user=facilitator, part_id=first.pk)
    roster = client.get(roster_url(two_days))
    assert "1 person is not marked on every day yet" in roster.content.decode()

    summary = client.post(
        roster_url(two_days), form_data(roster, "close", checked={"close-mark_unmarked_absent"})
    )

    assert [e.pk for e in summary.context["completed"]] == [ana.pk]
    assert [e.pk for e in summary.context["unmarked"]] == [ben.pk]
    html = summary.content.decode()
    assert "Day 1" in html and "Day 2" in html
    assert "not marked" in html

    client.post(roster_url(two_days), form_data(summary, "confirm_close"))

    two_days.refresh_from_db()
    assert two_days.status == SessionStatus.DELIVERED
    assert Attendance.objects.get(enrollment=ben).status == "partial"
    outcomes = client.get(roster_url(two_days)).content.decode()
    assert "Day 2" in outcomes
    assert outcomes.count("Not completed") == 1


def test_the_people_page_has_a_column_per_day(client, staff, two_days, people, facilitator):
    first, _second = session_parts(two_days)
    ana = people["Ana Silva"]
    mark_attendance(two_days.pk, {ana.pk: ("partial", "2")}, user=facilitator, part_id=first.pk)
    client.force_login(staff)

    html = client.get(
        reverse("wagtailsnippets_courses_session:people", args=[two_days.pk])
    ).content.decode()

    assert "Day 1: " in html and "Day 2: " in html
    ana_row = html.split("Ana Silva")[1].split("</tr>")[0]
    assert "Partly present (2 h)" in ana_row
    assert ana_row.count("Not marked") == 2  # the whole session, and day 2


def test_the_people_page_of_a_session_of_one_part_has_no_day_columns(client, staff, workshop):
    session = SessionFactory(workshop=workshop)
    EnrollmentFactory(session=session)
    client.force_login(staff)

    html = client.get(
        reverse("wagtailsnippets_courses_session:people", args=[session.pk])
    ).content.decode()

    assert "Day 1: " not in html


def test_the_sign_in_sheet_has_a_column_to_sign_per_day(client, two_days, people):
    response = client.get(reverse("facilitators:sign_in_sheet", args=[two_days.pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Day 1" in text
    assert "Day 2" in text
    assert text.count("Signature") == 2


@pytest.mark.parametrize("count", [4, 30])
def test_the_roster_of_several_days_costs_the_same_queries_for_any_number_of_people(
    client, two_days, facilitator, django_assert_max_num_queries, count
):
    first, second = session_parts(two_days)
    enrollments = EnrollmentFactory.create_batch(count, session=two_days)
    mark_attendance(
        two_days.pk,
        {e.pk: ("present", None) for e in enrollments[::2]},
        user=facilitator,
        part_id=first.pk,
    )
    client.get(roster_url(two_days))  # the first visit creates profile rows

    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.get(roster_url(two_days, first))

    assert len(response.context["rows"]) == count
