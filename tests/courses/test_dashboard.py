"""The staff panels of the admin dashboard: upcoming sessions, sessions left open, the year's
chart; who sees them, and what they cost."""

from datetime import datetime, time, timedelta

from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.reports.dashboard import ProgramChartPanel
from courses.reports.views import program_year
from tests.factories import EnrollmentFactory, SessionFactory, WorkshopPageFactory

PANELS = ("education-upcoming-sessions", "education-unclosed-sessions", "education-program-chart")


def in_days(days):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def upcoming(catalogue):
    """A 4-seat session in a week: 3 confirmed, 2 waitlisted, 1 cancelled."""
    session = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Handling Conflict"),
        start=in_days(7),
        capacity=4,
    )
    for status in ["confirmed"] * 3 + ["waitlisted"] * 2 + ["cancelled"]:
        EnrollmentFactory(session=session, status=status)
    return session


@pytest.fixture
def unclosed(catalogue):
    """A session that ended three days ago and is still scheduled."""
    return SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Elections Matter"),
        start=in_days(-3) - timedelta(hours=8),
    )


@pytest.mark.django_db
def test_staff_see_upcoming_sessions_with_fill_rate_and_waitlist(client_as, staff, upcoming):
    response = client_as(staff).get("/admin/")

    assert response.status_code == 200
    html = response.text
    assert "education-upcoming-sessions" in html
    panel = html[html.index("Upcoming sessions") :]
    assert "Handling Conflict" in panel
    assert "3 / 4" in panel
    assert "75.0 %" in panel
    assert f"/admin/snippets/courses/session/people/{upcoming.pk}/" in panel


@pytest.mark.django_db
def test_staff_see_sessions_over_but_not_closed(client_as, staff, unclosed, catalogue):
    closed = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Global Solidarity"),
        start=in_days(-5),
        status=SessionStatus.DELIVERED,
    )

    html = client_as(staff).get("/admin/").text
    panel = html[html.index("Sessions over but not closed") :]

    assert "Elections Matter" in panel
    assert "ended 3 days ago" in panel or "ended 2 days ago" in panel
    assert "Global Solidarity" not in panel
    assert closed.status == SessionStatus.DELIVERED


@pytest.mark.django_db
def test_nothing_to_close_says_so(client_as, staff, upcoming):
    html = client_as(staff).get("/admin/").text

    assert "Every session that has ended is closed." in html


@pytest.mark.django_db
def test_the_years_chart_counts_sessions_and_participants(client_as, staff, catalogue):
    """The chart covers the current program year, the period the reports open on."""
    first_day, _last_day = program_year()
    start = timezone.make_aware(datetime.combine(first_day + timedelta(days=190), time(10)))
    month = f"{start:%B} {start.year}"
    workshop = WorkshopPageFactory(parent=catalogue)
    for _ in range(2):
        session = SessionFactory(workshop=workshop, start=start)
        EnrollmentFactory(session=session)
    EnrollmentFactory(session=session, status=EnrollmentStatus.WAITLISTED)
    SessionFactory(workshop=workshop, start=start, status=SessionStatus.CANCELLED)

    chart = ProgramChartPanel().get_context_data({})["chart"]
    html = client_as(staff).get("/admin/").text

    # Two sessions held that month (the cancelled one is left out), two people confirmed.
    assert chart.rows == [[month, "2", "2"]]
    assert 'aria-labelledby="dashboard-sessions-per-month-title' in html
    assert '<title id="dashboard-sessions-per-month-title">' in html
    assert month in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees"),
    [("facilitator", False), ("staff", True), ("superuser", True)],
)
def test_only_staff_see_the_panels(client_as, users, upcoming, unclosed, role, sees):
    html = client_as(users[role]).get("/admin/").text

    for panel in PANELS:
        assert (panel in html) is sees


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "another_participant"])
def test_people_without_admin_access_see_no_dashboard(client_as, users, upcoming, role):
    response = client_as(users[role]).get("/admin/")

    assert response.status_code == 302
    assert "Handling Conflict" not in response.text


@pytest.mark.django_db
def test_the_panels_cost_the_same_queries_whatever_the_size(
    client_as, staff, catalogue, django_assert_max_num_queries
):
    client = client_as(staff)
    workshop = WorkshopPageFactory(parent=catalogue)

    def add_sessions(count):
        for number in range(count):
            upcoming = SessionFactory(workshop=workshop, start=in_days(2 + number))
            EnrollmentFactory(session=upcoming)
            SessionFactory(workshop=workshop, start=in_days(-2 - number))

    add_sessions(2)
    client.get("/admin/")
    with django_assert_max_num_queries(40) as small:
        client.get("/admin/")
    add_sessions(20)
    with django_assert_max_num_queries(40) as large:
        client.get("/admin/")

    assert len(large.captured_queries) == len(small.captured_queries)
