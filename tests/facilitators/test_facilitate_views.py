"""The facilitation pages: a facilitator's sessions, and the roster where attendance is taken."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.attendance.rules import close_session
from courses.choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Attendance, Enrollment, Participant
from tests.facilitators.pages import buttons, form_data
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

#: Queries each page may cost, page layout included, whatever the number of sessions or people;
#: each with one for the locales that say which workshop titles are in another language.
MY_SESSIONS_QUERIES = 14
ROSTER_QUERIES = 16


def yesterday():
    return (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")


@pytest.fixture
def session(workshop, facilitator):
    """A session that took place yesterday, with its facilitator assigned."""
    return SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])


@pytest.fixture
def people(session):
    """Three confirmed participants, by name."""
    return {
        name: EnrollmentFactory(session=session, participant__name=name)
        for name in ("Ana Silva", "Ben Okafor", "Chloé Roy")
    }


@pytest.fixture
def unassigned_facilitator(db):
    return FacilitatorFactory(user__username="unassigned").user


def roster_url(session):
    return reverse("facilitators:roster", args=[session.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def marks_post(marks):
    """The roster form's fields for ``{enrollment: (status, hours)}``."""
    data = {"action": "mark"}
    for enrollment, (status, hours) in marks.items():
        data[f"status-{enrollment.pk}"] = status
        data[f"hours-{enrollment.pk}"] = hours
    return data


def assert_sent_to_log_in(response, url):
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("wagtailadmin_login")
    assert parse_qs(location.query) == {"next": [url]}


# Who may see what


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("another_participant", 403),
        ("facilitator", 200),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_my_sessions_is_for_facilitators_and_staff(client_as, users, role, expected):
    url = reverse("facilitators:my_sessions")
    assert url == "/en/facilitate/"

    response = client_as(users[role]).get(url)

    if expected == 302:
        assert_sent_to_log_in(response, url)
    else:
        assert response.status_code == expected


ROSTER_ROLES = [
    ("anonymous", 302),
    ("participant", 403),
    ("another_participant", 403),
    ("unassigned_facilitator", 403),
    ("facilitator", 200),
    ("staff", 200),
    ("superuser", 200),
]


@pytest.fixture
def everyone(users, unassigned_facilitator, session, people):
    """Every role, the participant being one of the people enrolled in the session."""
    Participant.objects.filter(pk=people["Ana Silva"].participant_id).update(
        user=users["participant"]
    )
    return {**users, "unassigned_facilitator": unassigned_facilitator}


@pytest.mark.parametrize(("role", "expected"), ROSTER_ROLES)
def test_the_roster_is_for_its_facilitators_and_staff(client_as, everyone, session, role, expected):
    url = roster_url(session)
    assert url == f"/en/facilitate/sessions/{session.pk}/"

    response = client_as(everyone[role]).get(url)

    if expected == 302:
        assert_sent_to_log_in(response, url)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), ROSTER_ROLES)
def test_only_its_facilitators_and_staff_mark_attendance(
    client_as, everyone, session, people, role, expected
):
    url = roster_url(session)
    data = marks_post({people["Ana Silva"]: ("present", "")})

    response = client_as(everyone[role]).post(url, data)

    if expected == 302:
        assert_sent_to_log_in(response, url)
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response.url == url
    saved = Attendance.objects.filter(enrollment=people["Ana Silva"]).exists()
    assert saved is (expected == 200)


def test_a_missing_session_is_not_found(client_as, staff):
    assert client_as(staff).get("/en/facilitate/sessions/999999/").status_code == 404


# My sessions


def test_my_sessions_lists_upcoming_sessions_and_those_to_close(
    client_as, facilitator, workshop, session, people
):
    guide = FacilitatorGuidePageFactory(parent=workshop)
    upcoming = SessionFactory(workshop=workshop, facilitators=[facilitator], capacity=2)
    EnrollmentFactory.create_batch(2, session=upcoming)
    EnrollmentFactory(session=upcoming, status=EnrollmentStatus.WAITLISTED)
    SessionFactory(workshop=workshop)  # someone else's
    closed = SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])
    closed.status = SessionStatus.DELIVERED
    closed.save()

    response = client_as(facilitator).get(reverse("facilitators:my_sessions"))

    assert response.status_code == 200
    assert response.context["upcoming"] == [upcoming]
    assert response.context["to_close"] == [session]
    html = response.content.decode()
    assert roster_url(upcoming) in html
    assert roster_url(session) in html
    assert "2 confirmed of 2 places" in html
    assert "1 on the waitlist" in html
    assert "/en/workshops/grievances/guide/" in html
    assert reverse("facilitators:guide_pdf", args=[guide.pk]) in html
    assert "Every session is in the admin" not in html


def test_staff_are_told_every_session_is_in_the_admin(client_as, staff):
    response = client_as(staff).get(reverse("facilitators:my_sessions"))

    assert "Every session is in the admin" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_my_sessions_costs_the_same_queries_for_any_number_of_sessions(
    client_as, facilitator, catalogue, django_assert_max_num_queries, count
):
    for number in range(count):
        workshop = WorkshopPageFactory(parent=catalogue)
        if number % 2:
            FacilitatorGuidePageFactory(parent=workshop)
        start = yesterday() if number % 3 == 0 else None
        extra = {"start": start} if start else {}
        session = SessionFactory(workshop=workshop, facilitators=[facilitator], **extra)
        EnrollmentFactory(session=session)
    client = client_as(facilitator)
    client.get(reverse("facilitators:my_sessions"))  # the first visit creates profile rows

    with django_assert_max_num_queries(MY_SESSIONS_QUERIES):
        response = client.get(reverse("facilitators:my_sessions"))

    shown = len(response.context["upcoming"]) + len(response.context["to_close"])
    assert shown == count


# Taking attendance


def test_the_roster_shows_everyone_confirmed_and_who_is_not_marked(
    client_as, facilitator, session, people
):
    AttendanceFactory(enrollment=people["Ben Okafor"])
    EnrollmentFactory(session=session, participant__name="Wait Listed", status="waitlisted")

    response = client_as(facilitator).get(roster_url(session))

    html = response.content.decode()
    for name in people:
        assert f'<span class="attendance-row__name">{name}</span>' in html
    assert "Wait Listed" not in html
    assert html.count("attendance-row--unmarked") == 2
    assert reverse("facilitators:sign_in_sheet", args=[session.pk]) in html


def test_the_whole_roster_is_saved_in_one_submit(client_as, facilitator, session, people):
    data = marks_post(
        {
            people["Ana Silva"]: ("present", ""),
            people["Ben Okafor"]: ("partial", "4,5"),
            people["Chloé Roy"]: ("excused", ""),
        }
    )

    response = client_as(facilitator).post(roster_url(session), data, follow=True)

    marks = {
        a.enrollment.participant.name: (a.status, a.hours_attended, a.marked_by)
        for a in Attendance.objects.select_related("enrollment__participant")
    }
    assert marks == {
        "Ana Silva": ("present", Decimal("6.00"), facilitator),
        "Ben Okafor": ("partial", Decimal("4.50"), facilitator),
        "Chloé Roy": ("excused", Decimal("0.00"), facilitator),
    }
    assert "Attendance saved (3 changes)." in messages_of(response)
    html = response.content.decode()
    assert 'value="4.5"' in html
    assert "attendance-row--unmarked" not in html


def test_a_partial_mark_without_hours_is_refused_at_its_row(
    client_as, facilitator, session, people
):
    ben = people["Ben Okafor"]
    data = marks_post(
        {
            people["Ana Silva"]: ("present", "5"),
            ben: ("partial", ""),
            people["Chloé Roy"]: ("absent", ""),
        }
    )

    response = client_as(facilitator).post(roster_url(session), data)

    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert "Attendance was not saved: see the people marked below." in messages_of(response)
    (row,) = response.context["row_errors"]
    assert row.pk == ben.pk
    assert row.error == "Enter the hours Ben Okafor attended."
    html = response.content.decode()
    assert f'id="row-{ben.pk}-error"' in html
    assert f'aria-describedby="row-{ben.pk}-error"' in html
    ana = people["Ana Silva"].pk
    assert f'name="hours-{ana}" id="hours-{ana}" value="5"' in html
    assert f'id="status-{ben.pk}-partial" value="partial" checked' in html


def test_hours_without_a_status_are_refused_at_their_row(client_as, facilitator, session, people):
    ana = people["Ana Silva"]
    data = {"action": "mark", f"hours-{ana.pk}": "3"}

    response = client_as(facilitator).post(roster_url(session), data)

    assert response.status_code == 200
    assert response.context["row_errors"][0].error == "Choose how Ana Silva attended."
    assert not Attendance.objects.exists()


def test_a_walk_in_reuses_the_participant_with_that_email(client_as, facilitator, session, people):
    known = ParticipantFactory(name="Dee Known", email="dee@example.org")
    local = LocalFactory(number="3247")

    response = client_as(facilitator).post(
        roster_url(session),
        {
            "action": "walk_in",
            "walk_in-name": "dee known",
            "walk_in-email": "DEE@example.org",
            "walk_in-local": "3247",
        },
        follow=True,
    )

    enrollment = Enrollment.objects.get(session=session, participant=known)
    assert enrollment.source == EnrollmentSource.WALK_IN
    assert enrollment.attendance.status == AttendanceStatus.PRESENT
    assert Participant.objects.filter(email__iexact="dee@example.org").count() == 1
    assert "Dee Known is added to the session and marked present." in messages_of(response)
    assert not any("above capacity" in message for message in messages_of(response))
    assert local  # typed by number: the participant's own local is kept


def test_a_walk_in_by_someone_elses_address_shows_nothing_of_them(
    client_as, facilitator, session, people
):
    ParticipantFactory(name="Bernadette Roy", email="bernadette@example.org")

    response = client_as(facilitator).post(
        roster_url(session),
        {"action": "walk_in", "walk_in-name": "B", "walk_in-email": "bernadette@example.org"},
    )

    assert response.status_code == 200
    assert "Bernadette" not in response.text
    assert response.context["walk_in_form"].errors["email"]
    assert not Enrollment.objects.filter(participant__email="bernadette@example.org").exists()


def test_a_walk_in_over_capacity_is_added_with_a_warning(client_as, facilitator, workshop):
    session = SessionFactory(
        workshop=workshop, start=yesterday(), facilitators=[facilitator], capacity=1
    )
    EnrollmentFactory(session=session)

    response = client_as(facilitator).post(
        roster_url(session),
        {"action": "walk_in", "walk_in-name": "Eve New", "walk_in-email": "eve@example.org"},
        follow=True,
    )

    assert session.enrollments.filter(status="confirmed").count() == 2
    assert "The room is now above capacity: 1 places." in messages_of(response)


def test_a_walk_in_with_an_unknown_local_is_refused_at_the_field(client_as, facilitator, session):
    response = client_as(facilitator).post(
        roster_url(session),
        {
            "action": "walk_in",
            "walk_in-name": "Eve New",
            "walk_in-email": "eve@example.org",
            "walk_in-local": "no such local",
        },
    )

    assert response.status_code == 200
    assert response.context["walk_in_form"].errors["local"]
    assert 'value="Eve New"' in response.content.decode()
    assert not Participant.objects.filter(email="eve@example.org").exists()


# Closing and reopening


def test_closing_is_refused_while_people_are_not_marked(client_as, facilitator, session, people):
    AttendanceFactory(enrollment=people["Ana Silva"])

    response = client_as(facilitator).post(roster_url(session), {"action": "close"})

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    error = response.context["close_form"].errors["mark_unmarked_absent"][0]
    assert "Ben Okafor, Chloé Roy" in error
    assert "Mark everyone not yet marked as absent" in response.content.decode()


def test_closing_can_mark_those_left_absent(client_as, facilitator, session, people):
    AttendanceFactory(enrollment=people["Ana Silva"])
    client = client_as(facilitator)

    summary = client.post(
        roster_url(session), {"action": "close", "close-mark_unmarked_absent": "on"}
    )
    response = client.post(roster_url(session), form_data(summary, "confirm_close"), follow=True)

    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    assert Attendance.objects.filter(status="absent").count() == 2
    assert "The session is closed: 1 completed, 2 did not." in messages_of(response)


def test_closing_shows_a_summary_first_and_records_nothing(
    client_as, facilitator, session, people, mailoutbox, django_capture_on_commit_callbacks
):
    AttendanceFactory(enrollment=people["Ana Silva"])
    AttendanceFactory(enrollment=people["Ben Okafor"], status="partial", hours_attended=2)
    client = client_as(facilitator)
    roster = client.get(roster_url(session))

    with django_capture_on_commit_callbacks(execute=True):
        summary = client.post(
            roster_url(session),
            form_data(roster, "close", checked={"close-mark_unmarked_absent"}),
        )

    assert summary.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Attendance.objects.count() == 2
    assert mailoutbox == []
    html = summary.content.decode()
    sections = {
        heading: html.split(f'id="{heading}"')[1].split("</section>")[0]
        for heading in ("completed-heading", "not-completed-heading", "unmarked-heading")
    }
    assert "Completed: 1 person" in sections["completed-heading"]
    assert "Ana Silva" in sections["completed-heading"]
    assert "Not completed: 1 person" in sections["not-completed-heading"]
    assert "Ben Okafor" in sections["not-completed-heading"]
    assert "Partly present, 2 h" in sections["not-completed-heading"]
    assert "Not marked: 1 person" in sections["unmarked-heading"]
    assert "Chloé Roy" in sections["unmarked-heading"]
    assert "marked absent when you close" in sections["unmarked-heading"]
    assert buttons(summary) == ["confirm_close"]
    assert 'href="/en/facilitate/sessions/' in html  # back to the roster, no JavaScript

    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(roster_url(session), form_data(summary, "confirm_close"))

    assert closed.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    told = {message.to[0] for message in mailoutbox}
    assert told == {enrollment.participant.email for enrollment in people.values()}


def test_a_confirmation_without_the_roster_it_confirms_shows_the_summary_again(
    client_as, facilitator, session, people
):
    for enrollment in people.values():
        AttendanceFactory(enrollment=enrollment)

    response = client_as(facilitator).post(roster_url(session), {"action": "confirm_close"})

    assert response.status_code == 200
    assert buttons(response) == ["confirm_close"]
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_a_closed_session_shows_outcomes_and_takes_no_more_marks(
    client_as, facilitator, session, people
):
    AttendanceFactory(enrollment=people["Ana Silva"])
    close_session(session.pk, user=facilitator, mark_unmarked_absent=True)
    client = client_as(facilitator)

    html = client.get(roster_url(session)).content.decode()

    assert "This session is closed." in html
    assert html.count("Not completed") == 2
    assert html.count(">Completed<") == 1
    main = html.split("<main")[1].split("</main>")[0]
    assert "<input" not in main
    assert "<form" not in main
    assert "Reopen session" not in html

    response = client.post(
        roster_url(session), marks_post({people["Ben Okafor"]: ("present", "")}), follow=True
    )

    assert Attendance.objects.get(enrollment=people["Ben Okafor"]).status == "absent"
    assert any("This session is closed." in message for message in messages_of(response))


def test_staff_reopen_a_closed_session(client_as, staff, facilitator, session, people):
    close_session(session.pk, user=facilitator, mark_unmarked_absent=True)
    client = client_as(staff)
    assert "Reopen session" in client.get(roster_url(session)).content.decode()

    response = client.post(roster_url(session), {"action": "reopen"}, follow=True)

    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert "The session is open again: attendance can be changed." in messages_of(response)
    assert "Save attendance" in response.content.decode()


def test_a_facilitator_is_told_kindly_they_cannot_reopen(client_as, facilitator, session, people):
    close_session(session.pk, user=facilitator, mark_unmarked_absent=True)

    response = client_as(facilitator).post(roster_url(session), {"action": "reopen"}, follow=True)

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    assert "Only the education staff can reopen a closed session." in messages_of(response)


# Cost


@pytest.mark.parametrize("count", [10, 60])
def test_the_roster_costs_the_same_queries_for_any_number_of_people(
    client_as, facilitator, session, django_assert_max_num_queries, count
):
    enrollments = EnrollmentFactory.create_batch(count, session=session)
    for enrollment in enrollments[::2]:
        AttendanceFactory(enrollment=enrollment)
    EnrollmentFactory.create_batch(3, session=session, status=EnrollmentStatus.WAITLISTED)
    client = client_as(facilitator)
    client.get(roster_url(session))  # the first visit creates profile rows

    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.get(roster_url(session))

    assert len(response.context["rows"]) == count
