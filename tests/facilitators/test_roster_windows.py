"""The roster before attendance or closing opens: a session weeks away shows who is coming and
says when attendance and closing open, offers no button that cannot work, and refuses what is
posted anyway; education staff may close early, giving the reason, which the history keeps."""

from datetime import timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.attendance.rules import local_moment
from courses.choices import SessionStatus
from courses.models import Attendance, Enrollment
from tests.facilitators.pages import buttons, form_data
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    SessionFactory,
    WorkshopPageFactory,
)


def from_now(**delta):
    return (timezone.now() + timedelta(**delta)).replace(second=0, microsecond=0)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", duration_hours=6)


@pytest.fixture
def later(workshop, facilitator):
    """A session a month away, with its facilitator assigned and three people confirmed."""
    session = SessionFactory(workshop=workshop, start=from_now(days=30), facilitators=[facilitator])
    for name in ("Ana Silva", "Ben Okafor", "Chloé Roy"):
        EnrollmentFactory(session=session, participant__name=name)
    return session


def roster_url(session):
    return reverse("facilitators:roster", args=[session.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_roster_of_a_session_weeks_away_says_when_attendance_and_closing_open(
    client, facilitator, later
):
    client.force_login(facilitator)

    response = client.get(roster_url(later))

    assert response.status_code == 200
    html = response.content.decode()
    opens = local_moment(later, later.starts_at - timedelta(hours=1))
    closes = local_moment(later, later.starts_at)
    assert f"Attendance opens on {opens}." in html
    assert f"The session can be closed from {closes}, once its last part has started." in html
    assert buttons(response) == []  # no "Close session", no "Save attendance", no walk-in
    assert 'name="status-' not in html
    assert "3 people confirmed" in html
    for name in ("Ana Silva", "Ben Okafor", "Chloé Roy"):
        assert name in html
    assert reverse("facilitators:sign_in_sheet", args=[later.pk]) in html


def test_attendance_opens_on_the_roster_an_hour_before_the_session(client, facilitator, workshop):
    soon = SessionFactory(workshop=workshop, start=from_now(minutes=50), facilitators=[facilitator])
    not_yet = SessionFactory(
        workshop=workshop, start=from_now(minutes=70), facilitators=[facilitator]
    )
    for session in (soon, not_yet):
        EnrollmentFactory(session=session)
    client.force_login(facilitator)

    assert buttons(client.get(roster_url(soon))) == ["mark", "walk_in"]
    assert buttons(client.get(roster_url(not_yet))) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"action": "mark", "status-{ana}": "absent"}, "Attendance for this session opens on"),
        ({"action": "close", "close-mark_unmarked_absent": "on"}, "can be closed from"),
        ({"action": "confirm_close", "close-mark_unmarked_absent": "on"}, "can be closed from"),
    ],
)
def test_what_is_posted_to_a_roster_weeks_away_changes_nothing(
    client, facilitator, later, data, says, mailoutbox
):
    client.force_login(facilitator)
    ana = later.enrollments.get(participant__name="Ana Silva")
    data = {key.format(ana=ana.pk): value for key, value in data.items()}

    response = client.post(roster_url(later), data, follow=True)

    assert response.status_code == 200
    assert any(says in message for message in messages_of(response))
    later.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.exists()
    assert mailoutbox == []


def test_a_walk_in_posted_to_a_roster_weeks_away_is_refused_and_kept(client, facilitator, later):
    client.force_login(facilitator)

    response = client.post(
        roster_url(later),
        {"action": "walk_in", "walk_in-name": "Eve New", "walk_in-email": "eve@example.org"},
    )

    assert response.status_code == 200
    errors = response.context["walk_in_form"].non_field_errors()
    assert errors[0].startswith("Attendance for this session opens on")
    assert not Enrollment.objects.filter(participant__email="eve@example.org").exists()


def test_a_session_under_way_closes_only_once_its_last_part_has_started(
    client, facilitator, workshop
):
    start = from_now(hours=-1)
    two_days = SessionFactory(
        workshop=workshop, start=start, hours=3, days=2, facilitators=[facilitator]
    )
    EnrollmentFactory(session=two_days)
    client.force_login(facilitator)

    response = client.get(roster_url(two_days))

    assert buttons(response) == ["mark", "walk_in"]
    second_day = start + timedelta(days=1)
    assert local_moment(two_days, second_day) in response.content.decode()


def test_staff_close_a_session_early_only_with_a_reason(client, staff, later, mailoutbox):
    client.force_login(staff)
    roster = client.get(roster_url(later))
    assert buttons(roster) == ["close"]
    assert "Close session early" in roster.content.decode()

    refused = client.post(
        roster_url(later), form_data(roster, "close", checked={"close-mark_unmarked_absent"})
    )

    assert refused.status_code == 200
    errors = refused.context["close_form"].errors["early_reason"]
    assert "give the reason" in errors[0]
    assert 'aria-invalid="true"' in refused.content.decode()

    reason = "The local held it early; the dates were entered wrong."
    summary = client.post(
        roster_url(later),
        form_data(
            refused,
            "close",
            typed={"close-early_reason": reason},
            checked={"close-mark_unmarked_absent"},
        ),
    )

    assert summary.status_code == 200
    html = summary.content.decode()
    assert "You are closing the session before its last part starts" in html
    assert reason in html
    later.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED

    closed = client.post(roster_url(later), form_data(summary, "confirm_close"))

    assert closed.status_code == 302
    later.refresh_from_db()
    assert later.status == SessionStatus.DELIVERED
    entry = ModelLogEntry.objects.for_instance(later).get(action="courses.session.close")
    assert entry.data["early_reason"] == reason
    history = client.get(
        reverse("wagtailsnippets_courses_session:history", args=[later.pk])
    ).content.decode()
    assert reason in history


def test_a_reason_too_long_is_refused_at_its_field_and_kept(client, staff, later):
    client.force_login(staff)
    reason = "r" * 501

    response = client.post(
        roster_url(later),
        {"action": "close", "close-mark_unmarked_absent": "on", "close-early_reason": reason},
    )

    assert response.status_code == 200
    assert response.context["close_form"].errors["early_reason"]
    assert reason in response.content.decode()
    later.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED


def test_staff_need_no_reason_once_the_last_part_has_started(client, staff, workshop):
    today = SessionFactory(workshop=workshop, start=from_now(hours=-2))
    AttendanceFactory(enrollment=EnrollmentFactory(session=today))
    client.force_login(staff)

    roster = client.get(roster_url(today))

    assert "close-early_reason" not in roster.content.decode()
    summary = client.post(roster_url(today), form_data(roster, "close"))
    assert client.post(roster_url(today), form_data(summary, "confirm_close")).status_code == 302
    entry = ModelLogEntry.objects.for_instance(today).get(action="courses.session.close")
    assert "early_reason" not in entry.data
