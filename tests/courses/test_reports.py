"""The staff reports: figures checked against a small program year counted by hand, their
CSV and XLSX downloads read back, who may open them, and their query counts."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from courses.choices import AttendanceStatus, EnrollmentStatus, Language, SessionStatus
from tests.factories import (
    AttendanceFactory,
    DivisionFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SectorFactory,
    SessionFactory,
    SessionRequestFactory,
    UserFactory,
    WorkshopPageFactory,
    make_facilitator_user,
    translate_page,
)

TORONTO = ZoneInfo("America/Toronto")
URL = "/admin/education-reports/{}/"
REPORTS = ["sessions", "completions", "facilitators", "demand"]
#: Signing in, permissions and the admin's menus (about ten queries), the filters' choices, the
#: row count, the rows and the chart: the same whatever the number of sessions.
QUERY_BUDGET = 18


@pytest.fixture(autouse=True)
def every_session_on_record(settings):
    """The reports here are read over every session on record, not only the current program
    year they open on (see ``test_reports_program_year.py``)."""
    settings.EDUCATION_PROGRAM_YEAR_START = None


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=TORONTO)


def enrol(session, local, status=EnrollmentStatus.CONFIRMED, mark=None, hours=None, **kwargs):
    enrollment = EnrollmentFactory(
        session=session, participant=ParticipantFactory(local=local), status=status, **kwargs
    )
    if mark:
        AttendanceFactory(enrollment=enrollment, status=mark, hours_attended=hours)
    return enrollment


@pytest.fixture
def year(catalogue):
    """A small program year, counted by hand in the tests below.

    Ontario: local 100 (health care). Nova Scotia: local 200 (school boards).

    - Bargaining (Bargaining Program, 6 h), 12 March 2025, delivered, 4 seats, English,
      facilitated by Fran: 100 confirmed present 6 h (completed), 100 confirmed partial 3 h
      (not completed), 200 confirmed absent, 200 waitlisted, 100 cancelled.
    - Bullying (no program, 3 h), 20 April 2025, delivered, 2 seats, French, facilitated by
      Fran and Gil: 200 confirmed present 3 h (completed), 200 waitlisted twice.
    - Bargaining, 5 May 2025, cancelled, English: 100 cancelled.
    - Bullying, 3 June 2025, scheduled, 10 seats, English, facilitated by Gil:
      100 confirmed.
    - Requests: two for Strategic planning (one new, one declined), from local 200.
    """
    ontario = DivisionFactory(name="Ontario", code="ON")
    nova_scotia = DivisionFactory(name="Nova Scotia", code="NS")
    health = SectorFactory(name="Health care")
    schools = SectorFactory(name="School boards")
    local_100 = LocalFactory(number="100", name="Hospital workers", division=ontario, sector=health)
    local_200 = LocalFactory(
        number="200", name="School support", division=nova_scotia, sector=schools
    )
    program = ProgramFactory(title="Bargaining Program", slug="bargaining")
    bargaining = WorkshopPageFactory(
        parent=catalogue, title="Bargaining", program=program, duration_hours=6
    )
    bullying = WorkshopPageFactory(parent=catalogue, title="Bullying", duration_hours=3)
    planning = WorkshopPageFactory(
        parent=catalogue, title="Strategic planning", offered_on_request=True
    )
    fran = make_facilitator_user(username="fran", first_name="Fran", last_name="Arsenault")
    gil = make_facilitator_user(username="gil", first_name="Gil", last_name="Bouchard")

    march = SessionFactory(
        workshop=bargaining,
        start=at(2025, 3, 12),
        capacity=4,
        status=SessionStatus.DELIVERED,
        facilitators=[fran],
    )
    enrol(march, local_100, mark=AttendanceStatus.PRESENT, hours=6, completed=True)
    enrol(march, local_100, mark=AttendanceStatus.PARTIAL, hours=3)
    enrol(march, local_200, mark=AttendanceStatus.ABSENT, hours=0)
    enrol(march, local_200, status=EnrollmentStatus.WAITLISTED)
    enrol(march, local_100, status=EnrollmentStatus.CANCELLED)

    april = SessionFactory(
        workshop=bullying,
        start=at(2025, 4, 20),
        hours=3,
        capacity=2,
        language=Language.FRENCH,
        status=SessionStatus.DELIVERED,
        facilitators=[fran, gil],
    )
    enrol(april, local_200, mark=AttendanceStatus.PRESENT, hours=3, completed=True)
    enrol(april, local_200, status=EnrollmentStatus.WAITLISTED)
    enrol(april, local_200, status=EnrollmentStatus.WAITLISTED)

    may = SessionFactory(workshop=bargaining, start=at(2025, 5, 5), status=SessionStatus.CANCELLED)
    enrol(may, local_100, status=EnrollmentStatus.CANCELLED)

    june = SessionFactory(workshop=bullying, start=at(2025, 6, 3), capacity=10, facilitators=[gil])
    enrol(june, local_100)

    SessionRequestFactory(workshop=planning, local=local_200)
    SessionRequestFactory(workshop=planning, local=local_200, status="declined")
    return {
        "ontario": ontario,
        "nova_scotia": nova_scotia,
        "program": program,
        "bargaining": bargaining,
        "bullying": bullying,
        "planning": planning,
        "sessions": {"march": march, "april": april, "may": may, "june": june},
        "fran": fran,
        "gil": gil,
    }


def rows(response):
    return response.context["object_list"]


def download(response):
    return b"".join(response.streaming_content)


def read_csv(response):
    return list(csv.reader(io.StringIO(download(response).decode("utf-8"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(download(response))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# Enrolment and attendance per session


SESSION_FIGURES = {
    # (workshop, date): (status, capacity, confirmed, waitlisted, cancelled, attended,
    #                    completed, fill rate, completion rate)
    ("Bargaining", "2025-03-12"): ("delivered", 4, 3, 1, 1, 2, 1, 75.0, 33.3),
    ("Bullying", "2025-04-20"): ("delivered", 2, 1, 2, 0, 1, 1, 50.0, 100.0),
    ("Bargaining", "2025-05-05"): ("cancelled", 25, 0, 0, 1, 0, 0, 0.0, None),
    ("Bullying", "2025-06-03"): ("scheduled", 10, 1, 0, 0, 0, 0, 10.0, None),
}


def session_figures(row):
    return (
        row.status,
        row.capacity,
        row.confirmed,
        row.waitlisted,
        row.cancelled,
        row.attended,
        row.completed,
        row.fill_rate,
        row.completion_rate,
    )


@pytest.mark.django_db
def test_session_report_counts_each_session(client_as, staff, year):
    response = client_as(staff).get(URL.format("sessions"))

    assert response.status_code == 200
    figures = {
        (row.workshop.title, row.starts_on.isoformat()): session_figures(row)
        for row in rows(response)
    }
    assert figures == SESSION_FIGURES
    assert [row.starts_on.isoformat() for row in rows(response)] == [
        "2025-06-03",
        "2025-05-05",
        "2025-04-20",
        "2025-03-12",
    ]
    assert "33.3 %" in response.text
    assert 'role="img"' in response.text
    assert "Sessions and participants per month" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period_from": "2025-04-01", "period_to": "2025-05-31"}, ["04-20", "05-05"]),
        ({"language": "fr"}, ["04-20"]),
        ({"program": "PROGRAM"}, ["03-12", "05-05"]),
        ({"workshop": "BULLYING"}, ["04-20", "06-03"]),
    ],
    ids=["period", "language", "program", "workshop"],
)
def test_session_report_filters(client_as, staff, year, params, expected):
    values = {"PROGRAM": year["program"].pk, "BULLYING": year["bullying"].pk}
    params = {key: values.get(value, value) for key, value in params.items()}

    response = client_as(staff).get(URL.format("sessions"), params)

    assert response.status_code == 200
    assert sorted(f"{row.starts_on:%m-%d}" for row in rows(response)) == expected


@pytest.mark.django_db
def test_session_report_for_a_division_counts_only_its_members(client_as, staff, year):
    response = client_as(staff).get(URL.format("sessions"), {"division": year["nova_scotia"].pk})

    figures = {f"{row.starts_on:%m-%d}": session_figures(row) for row in rows(response)}
    # Nova Scotia's members: one absent and one waiting in March, all of April; none in May
    # or June, which drop out.
    assert figures == {
        "03-12": ("delivered", 4, 1, 1, 0, 0, 0, 25.0, 0.0),
        "04-20": ("delivered", 2, 1, 2, 0, 1, 1, 50.0, 100.0),
    }


@pytest.mark.django_db
def test_session_report_with_a_bad_date_says_so_and_shows_everything(client_as, staff, year):
    response = client_as(staff).get(URL.format("sessions"), {"period_from": "31/31/2025"})

    assert response.status_code == 200
    assert len(rows(response)) == 4
    assert "Enter a valid date" in response.text


@pytest.mark.django_db
def test_session_report_csv_matches_the_figures(client_as, staff, year):
    response = client_as(staff).get(URL.format("sessions"), {"export": "csv"})

    assert response.status_code == 200
    assert "enrolment-and-attendance-" in response["Content-Disposition"]
    header, *lines = read_csv(response)
    assert header == [
        "Workshop",
        "Date",
        "Language",
        "Status",
        "Capacity",
        "Confirmed",
        "Offered a place",
        "Waitlisted",
        "Cancelled",
        "Attended",
        "Completed",
        "Fill rate (%)",
        "Completion rate (%)",
    ]
    assert lines == [
        ["Bullying", "2025-06-03", "English", "Scheduled", "10", "1", "0", "0", "0", "0", "0"]
        + ["10.0", ""],
        ["Bargaining", "2025-05-05", "English", "Cancelled", "25", "0", "0", "0", "1", "0", "0"]
        + ["0.0", ""],
        ["Bullying", "2025-04-20", "French", "Delivered", "2", "1", "0", "2", "0", "1", "1"]
        + ["50.0", "100.0"],
        ["Bargaining", "2025-03-12", "English", "Delivered", "4", "3", "0", "1", "1", "2", "1"]
        + ["75.0", "33.3"],
    ]


@pytest.mark.django_db
def test_session_report_xlsx_matches_the_figures(client_as, staff, year):
    response = client_as(staff).get(URL.format("sessions"), {"export": "xlsx", "language": "en"})

    assert response.status_code == 200
    header, *lines = read_xlsx(response)
    assert header[:2] == ["Workshop", "Date"]
    assert [line[0] for line in lines] == ["Bullying", "Bargaining", "Bargaining"]
    march = lines[-1]
    assert march[1].isoformat() == "2025-03-12"
    assert march[3:] == ["Delivered", 4, 3, 0, 1, 1, 2, 1, 75.0, 33.3]


# Completions by local


@pytest.mark.django_db
def test_completion_report_counts_each_local(client_as, staff, year):
    response = client_as(staff).get(URL.format("completions"))

    assert response.status_code == 200
    figures = {
        row.number: (
            row.division.name,
            row.sector.name,
            row.delivered,
            row.completions,
            row.members,
            row.hours,
            row.completion_rate,
        )
        for row in rows(response)
    }
    # Local 100: March's two confirmed (one completed, 6 h). Local 200: March's absent
    # member and April's member who completed 3 h.
    assert figures == {
        "100": ("Ontario", "Health care", 2, 1, 1, Decimal("6"), 50.0),
        "200": ("Nova Scotia", "School boards", 2, 1, 1, Decimal("3"), 50.0),
    }
    assert "Completion rate per program" in response.text


@pytest.mark.django_db
def test_completion_report_over_a_period_and_a_division(client_as, staff, year):
    response = client_as(staff).get(
        URL.format("completions"),
        {"period_from": "2025-04-01", "division": year["nova_scotia"].pk},
    )

    assert [(row.number, row.completions, row.hours) for row in rows(response)] == [
        ("200", 1, Decimal("3"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["200", "100"]),  # by division (Nova Scotia first), sector and number
        ("number", ["100", "200"]),
        ("-hours", ["100", "200"]),
        ("hours", ["200", "100"]),
        ("-completions", ["200", "100"]),  # equal figures keep the division's order
    ],
)
def test_completion_report_sorts_by_its_columns(client_as, staff, year, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    response = client_as(staff).get(URL.format("completions"), params)

    assert [row.number for row in rows(response)] == expected


@pytest.mark.django_db
def test_completion_rate_per_program_chart(client_as, staff, year):
    response = client_as(staff).get(URL.format("completions"))

    (chart,) = response.context["charts"]
    # The Bargaining Program: three confirmed in March's delivered session, one completed.
    assert chart.rows == [["Bargaining Program", "33.3 %"]]


@pytest.mark.django_db
def test_completion_report_downloads(client_as, staff, year):
    client = client_as(staff)

    header, *lines = read_csv(client.get(URL.format("completions"), {"export": "csv"}))
    sheet_header, *sheet = read_xlsx(client.get(URL.format("completions"), {"export": "xlsx"}))

    assert header == sheet_header
    assert header[:4] == ["Division", "Sector", "Local", "Name"]
    assert lines == [
        ["Nova Scotia", "School boards", "200", "School support", "2", "1", "1", "3.00", "50.0"],
        ["Ontario", "Health care", "100", "Hospital workers", "2", "1", "1", "6.00", "50.0"],
    ]
    assert [row[4:] for row in sheet] == [[2, 1, 1, 3, 50.0], [2, 1, 1, 6, 50.0]]


# Facilitator activity


@pytest.mark.django_db
def test_facilitator_report(client_as, staff, year):
    response = client_as(staff).get(URL.format("facilitators"))

    figures = {
        row.name: (row.delivered, row.scheduled, row.participants, row.hours)
        for row in rows(response)
    }
    # Fran: March (6 h, two came) and April (3 h, one came). Gil: April, and June to come.
    assert figures == {
        "Fran Arsenault": (2, 0, 3, 9),
        "Gil Bouchard": (1, 1, 1, 3),
    }


@pytest.mark.django_db
def test_facilitator_report_by_language_and_division(client_as, staff, year):
    client = client_as(staff)

    french = client.get(URL.format("facilitators"), {"language": "fr"})
    ontario = client.get(URL.format("facilitators"), {"division": year["ontario"].pk})

    assert {row.name: (row.delivered, row.hours) for row in rows(french)} == {
        "Fran Arsenault": (1, 3),
        "Gil Bouchard": (1, 3),
    }
    # Ontario's members took part only in March (two came) and in June (to come).
    assert {
        row.name: (row.delivered, row.scheduled, row.participants) for row in rows(ontario)
    } == {"Fran Arsenault": (1, 0, 2), "Gil Bouchard": (0, 1, 0)}


@pytest.mark.django_db
def test_facilitator_report_downloads(client_as, staff, year):
    client = client_as(staff)

    lines = read_csv(client.get(URL.format("facilitators"), {"export": "csv"}))
    sheet = read_xlsx(client.get(URL.format("facilitators"), {"export": "xlsx"}))

    assert (
        lines[0]
        == sheet[0]
        == [
            "Facilitator",
            "Email",
            "Sessions delivered",
            "Sessions scheduled",
            "Participants",
            "Hours delivered",
        ]
    )
    assert lines[1:] == [
        ["Fran Arsenault", "fran@example.org", "2", "0", "3", "9"],
        ["Gil Bouchard", "gil@example.org", "1", "1", "1", "3"],
    ]
    assert sheet[1:] == [
        ["Fran Arsenault", "fran@example.org", 2, 0, 3, 9],
        ["Gil Bouchard", "gil@example.org", 1, 1, 1, 3],
    ]


# Demand per workshop


@pytest.mark.django_db
def test_demand_report(client_as, staff, year):
    response = client_as(staff).get(URL.format("demand"))

    figures = {
        row.title: (
            row.session_count,
            row.sessions_with_waitlist,
            row.capacity,
            row.confirmed,
            row.waitlisted,
            row.fill_rate,
            row.requests,
            row.open_requests,
        )
        for row in rows(response)
    }
    # Cancelled May is left out. Bullying: April (2 seats, 1 confirmed, 2 waiting) and
    # June (10 seats, 1 confirmed).
    assert figures == {
        "Bullying": (2, 1, 12, 2, 2, 16.7, 0, 0),
        "Bargaining": (1, 1, 4, 3, 1, 75.0, 0, 0),
        "Strategic planning": (0, 0, 0, 0, 0, None, 2, 1),
    }
    assert [row.title for row in rows(response)] == ["Bullying", "Bargaining", "Strategic planning"]
    (chart,) = response.context["charts"]
    assert chart.rows == [["Bullying", "16.7 %", "2"], ["Bargaining", "75 %", "1"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["Bargaining", "Bullying", "Strategic planning"]),
        ("-title", ["Strategic planning", "Bullying", "Bargaining"]),
        ("-confirmed", ["Bargaining", "Bullying", "Strategic planning"]),
        # Equal figures keep the default order: most people waiting first.
        ("-requests", ["Strategic planning", "Bullying", "Bargaining"]),
    ],
)
def test_demand_report_sorts_by_its_columns_and_its_chart_follows(
    client_as, staff, year, ordering, expected
):
    response = client_as(staff).get(URL.format("demand"), {"ordering": ordering})

    assert [row.title for row in rows(response)] == expected
    (chart,) = response.context["charts"]
    with_sessions = [title for title in expected if title != "Strategic planning"]
    assert [row[0] for row in chart.rows] == with_sessions


@pytest.mark.django_db
def test_demand_report_counts_a_workshop_once_whatever_its_translations(client_as, staff, year):
    """The French page of a workshop is not another workshop: neither a row of its own nor a
    choice of the workshop filter."""
    french_bullying = translate_page(year["bullying"], title="Harcèlement")
    client = client_as(staff)

    response = client.get(URL.format("demand"))
    filtered = client.get(URL.format("demand"), {"workshop": year["bullying"].pk})
    refused = client.get(URL.format("demand"), {"workshop": french_bullying.pk})

    assert [row.title for row in rows(response)] == ["Bullying", "Bargaining", "Strategic planning"]
    choices = {str(pk) for pk, _label in response.context["filters"].form["workshop"].field.choices}
    assert str(year["bullying"].pk) in choices and str(french_bullying.pk) not in choices
    assert [row.title for row in rows(filtered)] == ["Bullying"]
    assert "workshop" in refused.context["filters"].form.errors


@pytest.mark.django_db
def test_demand_report_downloads(client_as, staff, year):
    client = client_as(staff)

    lines = read_csv(client.get(URL.format("demand"), {"export": "csv"}))
    sheet = read_xlsx(client.get(URL.format("demand"), {"export": "xlsx", "program": ""}))

    assert lines[0] == sheet[0]
    assert lines[0][:3] == ["Workshop", "Program", "Sessions"]
    assert lines[2] == [
        "Bargaining",
        "Bargaining Program",
        "1",
        "1",
        "4",
        "3",
        "0",
        "1",
        "75.0",
        "0",
        "0",
    ]
    assert sheet[3] == ["Strategic planning", None, 0, 0, 0, 0, 0, 0, None, 2, 1]


# Who may open the reports


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("participant", False),
        ("another_participant", False),
        ("facilitator", False),
        ("assigned_facilitator", False),
        ("staff", True),
        ("superuser", True),
    ],
)
def test_only_staff_open_the_reports(client_as, users, year, report, role, allowed):
    user = year["fran"] if role == "assigned_facilitator" else users[role]
    client = client_as(user)

    page = client.get(URL.format(report))
    export = client.get(URL.format(report), {"export": "csv"})

    if allowed:
        assert page.status_code == 200
        assert export.status_code == 200
    else:
        assert page.status_code in (302, 403)
        assert export.status_code in (302, 403)
        assert "text/csv" not in export.get("Content-Type", "")


@pytest.mark.django_db
def test_the_reports_menu_lists_the_reports_for_staff_only(client_as, staff, facilitator):
    staff_home = client_as(staff).get("/admin/")
    assert staff_home.status_code == 200
    for report in REPORTS:
        assert URL.format(report) in staff_home.text

    facilitator_home = client_as(facilitator).get("/admin/")
    for report in REPORTS:
        assert URL.format(report) not in facilitator_home.text


# Query counts


def grow(year, size):
    """``size`` more sessions in the year, each with members from a new local, marked."""
    for number in range(size):
        local = LocalFactory(division=year["ontario"])
        session = SessionFactory(
            workshop=year["bargaining"] if number % 2 else year["bullying"],
            start=at(2025, 1 + number % 12, 1 + number % 27),
            status=SessionStatus.DELIVERED,
            facilitators=[UserFactory()],
        )
        enrol(session, local, mark=AttendanceStatus.PRESENT, hours=3, completed=True)
        enrol(session, local, status=EnrollmentStatus.WAITLISTED)


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_reports_cost_the_same_queries_whatever_the_size(
    client_as, staff, year, report, django_assert_max_num_queries
):
    client = client_as(staff)
    client.get(URL.format(report))  # sessions, permissions and menus cached as usual

    with django_assert_max_num_queries(QUERY_BUDGET):
        small = client.get(URL.format(report))
    grow(year, 30)
    with django_assert_max_num_queries(QUERY_BUDGET):
        large = client.get(URL.format(report))

    assert small.status_code == large.status_code == 200
    assert len(rows(large)) > len(rows(small)) or report == "demand"
