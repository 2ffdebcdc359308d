"""The reports open on the current program year (September to August by default, in the site's
time zone), say which period they cover, and cover every session on record once the person
clears the period."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

import pytest

from courses import conf
from courses.reports.views import program_year
from tests.factories import SessionFactory, WorkshopPageFactory

TORONTO = ZoneInfo("America/Toronto")  # the site's time zone
URL = "/admin/education-reports/sessions/"


def at(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def now(monkeypatch):
    """The reports are read on 7 December 2026, in the 2026–2027 program year."""
    moment = at(2026, 12, 7, 10)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def sessions(catalogue):
    """Sessions either side of the program year's ends, in the site's time zone."""
    workshop = WorkshopPageFactory(parent=catalogue, title="Bargaining")

    def session(moment):
        return SessionFactory(workshop=workshop, start=moment, hours=1)

    return {
        "last_year": session(at(2025, 10, 1)),
        "last_day_before": session(at(2026, 8, 31, 23, 0)),
        "first_day": session(at(2026, 9, 1, 0, 30)),
        "this_year": session(at(2027, 3, 12)),
        "last_day": session(at(2027, 8, 31, 22, 0)),
        "next_year": session(at(2027, 9, 1, 0, 30)),
    }


def listed(response):
    return {session.pk for session in response.context["object_list"]}


def keys(sessions, *names):
    return {sessions[name].pk for name in names}


def test_the_program_year_runs_september_to_august_by_default(settings):
    del settings.EDUCATION_PROGRAM_YEAR_START

    assert program_year(date(2026, 12, 7)) == (date(2026, 9, 1), date(2027, 8, 31))
    assert program_year(date(2026, 9, 1)) == (date(2026, 9, 1), date(2027, 8, 31))
    assert program_year(date(2026, 8, 31)) == (date(2025, 9, 1), date(2026, 8, 31))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01-01", (date(2026, 1, 1), date(2026, 12, 31))),
        ((7, 1), (date(2026, 7, 1), date(2027, 6, 30))),
    ],
)
def test_a_site_sets_its_own_program_year(settings, value, expected):
    settings.EDUCATION_PROGRAM_YEAR_START = value

    assert program_year(date(2026, 12, 7)) == expected


@pytest.mark.parametrize("value", ["September", "02-30", (13, 1), 9])
def test_a_program_year_start_that_is_no_day_is_refused(settings, value):
    settings.EDUCATION_PROGRAM_YEAR_START = value

    with pytest.raises(ImproperlyConfigured):
        conf.program_year_start()


@pytest.mark.django_db
def test_a_first_visit_covers_the_current_program_year(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get(URL)

    assert listed(response) == keys(sessions, "first_day", "this_year", "last_day")
    form = response.context["filters"].form
    assert form["period"].value() == ["2026-09-01", "2027-08-31"]
    assert 'value="2026-09-01"' in response.text and 'value="2027-08-31"' in response.text
    assert "1 September 2026 to 31 August 2027" in response.text
    (chart,) = response.context["charts"]
    assert [row[0] for row in chart.rows] == ["September 2026", "March 2027", "August 2027"]


@pytest.mark.django_db
def test_the_results_alone_follow_the_same_default(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get(URL + "results/")

    assert listed(response) == keys(sessions, "first_day", "this_year", "last_day")
    assert "1 September 2026 to 31 August 2027" in response.text


@pytest.mark.django_db
def test_a_cleared_period_covers_every_session_on_record(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get(URL, {"period_from": "", "period_to": ""})

    assert listed(response) == {session.pk for session in sessions.values()}
    assert response.context["filters"].form["period"].value() == ["", ""]
    assert "Every date on record" in response.text


@pytest.mark.django_db
def test_a_chosen_period_is_kept(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get(URL, {"period_from": "2025-01-01", "period_to": ""})

    assert listed(response) == {session.pk for session in sessions.values()}
    assert "From 1 January 2025" in response.text


@pytest.mark.django_db
def test_removing_the_period_filter_clears_it(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get(URL)
    (period,) = [item for item in response.context["active_filters"] if item.auto_id == "id_period"]

    assert "period_from=&period_to=" in period.removed_filter_url
    assert listed(client.get(period.removed_filter_url)) == {
        session.pk for session in sessions.values()
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "year_start"),
    [(at(2026, 8, 31, 23, 30), date(2025, 9, 1)), (at(2026, 9, 1, 0, 10), date(2026, 9, 1))],
)
def test_the_year_turns_on_september_first_in_the_site_time_zone(
    client, staff, monkeypatch, sessions, moment, year_start
):
    """At 23:30 on 31 August in Toronto it is already September in UTC: still last year."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    client.force_login(staff)

    response = client.get(URL)

    assert response.context["filters"].form["period"].value()[0] == year_start.isoformat()
    if year_start.year == 2025:
        assert listed(response) == keys(sessions, "last_year", "last_day_before")
    else:
        assert listed(response) == keys(sessions, "first_day", "this_year", "last_day")


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"period_from": "", "period_to": ""}])
def test_the_download_follows_the_same_period(client, staff, now, sessions, query):
    client.force_login(staff)

    response = client.get(URL, {"export": "csv", **query})

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    dates = sorted(line[1] for line in lines[1:])
    if query:
        assert len(dates) == len(sessions)
    else:
        assert dates == ["2026-09-01", "2027-03-12", "2027-08-31"]


@pytest.mark.django_db
def test_a_site_without_a_program_year_covers_every_session(client, staff, now, sessions, settings):
    settings.EDUCATION_PROGRAM_YEAR_START = None
    client.force_login(staff)

    response = client.get(URL)

    assert listed(response) == {session.pk for session in sessions.values()}
    assert "Every date on record" in response.text


@pytest.mark.django_db
def test_the_dashboard_chart_shows_the_same_program_year(client, staff, now, sessions):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "2026–2027" in response.text or "March 2027" in response.text
