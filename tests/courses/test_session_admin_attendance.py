"""Staff follow and correct attendance from the admin: the People page shows each mark and
outcome, links to the roster and the sign-in sheet, and a closed session can be reopened there
(by staff only, logged)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.attendance.rules import close_session, mark_attendance
from courses.choices import SessionStatus
from courses.models import Attendance
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

#: The admin's own queries (user, permissions, locales ...) plus the session, its parts (a
#: session of several parts shows a column per part) and its people in one query with their
#: locals and marks; measured at 15 on SQLite with the check of lapsed offers.
PEOPLE_MAX_QUERIES = 16


def url(name, *args):
    return reverse(f"wagtailsnippets_courses_session:{name}", args=args)


def refused(response):
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


@pytest.fixture
def past_session(catalogue, facilitator):
    """Yesterday's session: Ana marked present, Ben partly present, Chloé not marked yet."""
    workshop = WorkshopPageFactory(parent=catalogue, title="Handling Conflict")
    start = (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0)
    session = SessionFactory(workshop=workshop, start=start, facilitators=[facilitator])
    enrollments = [
        EnrollmentFactory(session=session, participant=ParticipantFactory(name=name))
        for name in ("Ana Lima", "Ben Roy", "Chloé Martin")
    ]
    mark_attendance(
        session.pk,
        {enrollments[0].pk: ("present", None), enrollments[1].pk: ("partial", "2.5")},
        user=facilitator,
    )
    return session


@pytest.mark.django_db
def test_the_people_page_shows_each_mark_and_who_made_it(client, staff, facilitator, past_session):
    client.force_login(staff)

    response = client.get(url("people", past_session.pk))

    html = response.content.decode()
    assert "Attendance: 2 of 3 people marked." in html
    assert "Present" in html
    assert "Partly present" in html
    assert "(2.50 h)" in html
    assert "Not marked" in html
    assert f"by {facilitator.get_full_name()}" in html


@pytest.mark.django_db
def test_the_people_page_links_to_the_roster_and_the_sign_in_sheet(client, staff, past_session):
    client.force_login(staff)

    html = client.get(url("people", past_session.pk)).content.decode()

    assert reverse("facilitators:roster", args=[past_session.pk]) in html
    assert reverse("facilitators:sign_in_sheet", args=[past_session.pk]) in html
    assert "Attendance and closing" in html


@pytest.mark.django_db
def test_the_edit_page_links_to_the_roster_too(client, staff, past_session):
    client.force_login(staff)

    html = client.get(url("edit", past_session.pk)).content.decode()

    assert reverse("facilitators:roster", args=[past_session.pk]) in html


@pytest.mark.django_db
def test_a_cancelled_session_offers_no_roster(client, staff, past_session):
    past_session.status = SessionStatus.CANCELLED
    past_session.save()
    client.force_login(staff)

    html = client.get(url("people", past_session.pk)).content.decode()

    assert reverse("facilitators:roster", args=[past_session.pk]) not in html


@pytest.mark.django_db
def test_a_closed_session_shows_outcomes_and_a_reopen_button(client, staff, past_session):
    close_session(past_session.pk, user=staff, mark_unmarked_absent=True)
    client.force_login(staff)

    html = client.get(url("people", past_session.pk)).content.decode()

    assert "The session is closed" in html
    assert html.count(">Completed<") == 1  # Ana, present all day
    assert html.count(">Not completed<") == 2
    assert url("reopen_session", past_session.pk) in html


@pytest.mark.django_db
def test_an_open_session_offers_no_reopening(client, staff, past_session):
    client.force_login(staff)

    assert (
        url("reopen_session", past_session.pk)
        not in client.get(url("people", past_session.pk)).content.decode()
    )
    response = client.post(url("reopen_session", past_session.pk))

    assert response.status_code == 302
    past_session.refresh_from_db()
    assert past_session.status == SessionStatus.SCHEDULED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_reopen_a_closed_session_from_the_admin(client_as, users, past_session, role):
    close_session(past_session.pk, user=users["staff"], mark_unmarked_absent=True)
    client = client_as(users[role])

    confirm = client.get(url("reopen_session", past_session.pk))
    assert confirm.status_code == 200
    assert "Yes, reopen the session" in confirm.content.decode()

    response = client.post(url("reopen_session", past_session.pk))

    assert response.status_code == 302
    assert response.url == url("people", past_session.pk)
    past_session.refresh_from_db()
    assert past_session.status == SessionStatus.SCHEDULED
    entry = ModelLogEntry.objects.filter(action="courses.session.reopen").get()
    assert entry.user_id == users[role].pk
    # The outcomes are kept until the session is closed again.
    assert past_session.enrollments.filter(completed=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "another_participant", "facilitator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_staff_reopen_a_session(client_as, users, past_session, role, method):
    """Even the session's own facilitator: reopening belongs to the education staff."""
    close_session(past_session.pk, user=users["staff"], mark_unmarked_absent=True)

    response = getattr(client_as(users[role]), method)(url("reopen_session", past_session.pk))

    assert refused(response), (response.status_code, response.get("Location"))
    past_session.refresh_from_db()
    assert past_session.status == SessionStatus.DELIVERED
    assert not ModelLogEntry.objects.filter(action="courses.session.reopen").exists()


@pytest.mark.django_db
def test_an_unassigned_facilitator_cannot_reopen_either(client, staff, past_session):
    close_session(past_session.pk, user=staff, mark_unmarked_absent=True)
    other = FacilitatorFactory(certified_workshops=[past_session.workshop]).user
    client.force_login(other)

    assert refused(client.post(url("reopen_session", past_session.pk)))
    past_session.refresh_from_db()
    assert past_session.status == SessionStatus.DELIVERED


@pytest.mark.django_db
def test_the_people_page_costs_the_same_however_many_marks(
    client, staff, past_session, django_assert_max_num_queries
):
    client.force_login(staff)
    client.get(url("people", past_session.pk))  # warm the admin's own caches

    with django_assert_max_num_queries(PEOPLE_MAX_QUERIES):
        client.get(url("people", past_session.pk))

    more = [EnrollmentFactory(session=past_session) for _ in range(40)]
    mark_attendance(past_session.pk, {e.pk: ("present", None) for e in more}, user=staff)

    with django_assert_max_num_queries(PEOPLE_MAX_QUERIES):
        response = client.get(url("people", past_session.pk))
    assert response.content.decode().count("Not marked") == 1


@pytest.mark.django_db
def test_a_mark_whose_author_is_gone_still_shows(client, staff, past_session):
    Attendance.objects.filter(enrollment__session=past_session).update(marked_by=None)
    client.force_login(staff)

    response = client.get(url("people", past_session.pk))

    assert response.status_code == 200
    assert "Partly present" in response.content.decode()
