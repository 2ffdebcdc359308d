"""A facilitator's "My sessions" shows their week: this week's sessions day by day, then later
ones, each linking to the roster and to the guide timed for that session."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from courses.choices import SessionStatus
from facilitators.schedule import last_day_of_week, week_of
from tests.factories import FacilitatorGuidePageFactory, SessionFactory, WorkshopPageFactory

EDT = datetime.timezone(datetime.timedelta(hours=-4))
#: Wednesday 7 May 2031, 10:00 in Toronto.
NOW = datetime.datetime(2031, 5, 7, 10, tzinfo=EDT)


def at(day, hour, minute=0):
    return datetime.datetime(2031, 5, day, hour, minute, tzinfo=EDT)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict", slug="conflict")


@pytest.fixture
def week(workshop, facilitator):
    """Sessions today, tomorrow, on Saturday, on Sunday, every day from Friday to Monday, and
    next month."""
    team = [facilitator]
    return {
        name: SessionFactory(workshop=workshop, start=start, hours=h, days=days, facilitators=team)
        for name, start, h, days in [
            ("today", at(7, 13), 3, 1),
            ("tomorrow", at(8, 9), 6, 1),
            ("saturday", at(10, 9), 6, 1),
            ("sunday", at(11, 9), 6, 1),
            ("friday to monday", at(9, 9), 3, 4),
            ("next month", datetime.datetime(2031, 6, 10, 9, tzinfo=EDT), 6, 1),
        ]
    }  # fmt: skip


def listed(result):
    return [
        (week_day.day.isoformat(), [entry.starts.strftime("%H:%M") for entry in week_day.entries])
        for week_day in result["week_days"]
    ]


@pytest.mark.django_db
def test_the_week_lists_each_day_then_later_sessions(week):
    sessions = sorted(week.values(), key=lambda session: session.starts_at)

    with translation.override("en"):  # weeks run Sunday to Saturday
        result = week_of(sessions, NOW)

    assert listed(result) == [
        ("2031-05-07", ["13:00"]),
        ("2031-05-08", ["09:00"]),
        ("2031-05-09", ["09:00"]),
        ("2031-05-10", ["09:00", "09:00"]),
    ]
    assert result["week_days"][0].is_today
    assert result["week_days"][1].is_tomorrow
    assert result["later"] == [week["sunday"], week["next month"]]


@pytest.mark.django_db
def test_in_french_the_week_runs_to_sunday(week):
    with translation.override("fr"):
        result = week_of(list(week.values()), NOW)

    assert result["week_ends"] == datetime.date(2031, 5, 11)
    assert "2031-05-11" in [day for day, _times in listed(result)]
    assert week["sunday"] not in result["later"]


def test_the_last_day_of_the_week_follows_the_language():
    wednesday = datetime.date(2031, 5, 7)
    sunday = datetime.date(2031, 5, 11)

    with translation.override("en"):
        assert last_day_of_week(wednesday) == datetime.date(2031, 5, 10)
        assert last_day_of_week(sunday) == datetime.date(2031, 5, 17)
    with translation.override("fr"):
        assert last_day_of_week(wednesday) == sunday
        assert last_day_of_week(sunday) == sunday


@pytest.mark.django_db
def test_times_are_those_of_the_sessions_own_zone(workshop, facilitator):
    vancouver = SessionFactory(
        workshop=workshop,
        start=at(8, 12),  # 9:00 in Vancouver
        time_zone="America/Vancouver",
        facilitators=[facilitator],
    )

    with translation.override("en"):
        [day] = week_of([vancouver], NOW)["week_days"]

    [entry] = day.entries
    assert entry.starts.strftime("%H:%M") == "09:00"
    assert entry.zone == "PT"


@pytest.mark.django_db
def test_a_day_lists_sessions_in_the_order_they_happen_across_zones(workshop, facilitator):
    vancouver = SessionFactory(
        workshop=workshop,
        start=at(8, 12),  # 9:00 in Vancouver, noon in Toronto
        time_zone="America/Vancouver",
        hours=1,
        facilitators=[facilitator],
    )
    toronto = SessionFactory(
        workshop=workshop, start=at(8, 10), hours=1, facilitators=[facilitator]
    )

    with translation.override("en"):
        [day] = week_of([vancouver, toronto], NOW)["week_days"]

    assert [
        (entry.session, entry.starts.strftime("%H:%M"), entry.zone) for entry in day.entries
    ] == [
        (toronto, "10:00", "ET"),
        (vancouver, "09:00", "PT"),
    ]


@pytest.mark.django_db
def test_my_sessions_shows_today_then_later(client_as, facilitator, workshop):
    guide = FacilitatorGuidePageFactory(parent=workshop)
    soon = timezone.localtime() + datetime.timedelta(hours=1)
    today = SessionFactory(workshop=workshop, start=soon, hours=1, facilitators=[facilitator])
    later = SessionFactory(
        workshop=workshop,
        start=timezone.now() + datetime.timedelta(days=30),
        facilitators=[facilitator],
    )
    cancelled = SessionFactory(
        workshop=workshop, start=soon, facilitators=[facilitator], status=SessionStatus.CANCELLED
    )

    response = client_as(facilitator).get(reverse("facilitators:my_sessions"))

    assert response.status_code == 200
    html = response.text
    days = response.context["week_days"]
    if soon.date() == timezone.localdate():  # not when the test runs in the day's last hour
        assert days[0].is_today
        assert [entry.session for entry in days[0].entries] == [today]
        assert "Today:" in html
        assert response.context["later"] == [later]
    else:  # the session an hour away is tomorrow, which may begin the next week
        assert response.context["later"][-1] == later
    assert cancelled not in [entry.session for day in days for entry in day.entries]
    assert html.index("This week") < html.index("Later")
    guide_pdf = reverse("facilitators:guide_pdf", args=[guide.pk])
    assert f"{guide_pdf}?session={later.pk}" in html
    assert f"/en/workshops/conflict/guide/?session={later.pk}" in html


@pytest.mark.django_db
def test_an_empty_week_says_so(client_as, facilitator):
    response = client_as(facilitator).get(reverse("facilitators:my_sessions"))

    assert "Nothing to facilitate from today to" in response.text
    assert "You are not assigned to any upcoming session." in response.text
