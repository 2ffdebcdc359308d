"""My learning at /my-learning/: a signed-in member's enrolments, waitlists, past sessions and
hours, cancelling from there, and who may see what."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from tests.factories import (
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]

#: Queries a warm My learning page makes, whatever the number of enrolments. Measured at 14 on
#: SQLite and PostgreSQL: the browser session and its user, the participant, the catalogue
#: (2), enrolments with their sessions and workshops, one prefetch of their parts, the
#: waitlist queue, offers whose time is up in the sessions waited for, the site, site
#: settings, the user's permissions (2) for the header, and the certificates section (1); then
#: 15 with the home and catalogue links in the reader's language; then 16 with the locales that
#: say which workshop titles are in another language (once per request).
MY_LEARNING_MAX_QUERIES = 16


def days_from_now(days):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def member(participant):
    """The participant record of the signed-in ``participant`` user."""
    return ParticipantFactory(user=participant, name="Ana Lima", email=participant.email)


@pytest.fixture
def record(catalogue, member):
    """Ana's enrolments, one of each kind My learning shows (or hides)."""

    def session_of(title, start_in_days, hours=6, **kwargs):
        workshop = WorkshopPageFactory(parent=catalogue, title=title, duration_hours=hours)
        return SessionFactory(workshop=workshop, start=days_from_now(start_in_days), **kwargs)

    full = session_of("Global Solidarity", 20, capacity=1)
    EnrollmentFactory(session=full)
    EnrollmentFactory(session=full, status=EnrollmentStatus.WAITLISTED)
    gone = session_of("Elections Matter", 15, status=SessionStatus.CANCELLED)
    return {
        "upcoming": EnrollmentFactory(
            participant=member, session=session_of("Handling Conflict", 10)
        ),
        "waitlisted": EnrollmentFactory(
            participant=member, session=full, status=EnrollmentStatus.WAITLISTED
        ),
        "completed": EnrollmentFactory(
            participant=member,
            session=session_of("Stopping Workplace Bullying", -30, status=SessionStatus.DELIVERED),
            completed=True,
        ),
        "short": EnrollmentFactory(
            participant=member,
            session=session_of("Supervisors in the Union", -60, hours=3, status="delivered"),
            completed=True,
        ),
        "missed": EnrollmentFactory(
            participant=member,
            session=session_of("Who Gets Involved?", -90, status=SessionStatus.DELIVERED),
        ),
        "session_cancelled": EnrollmentFactory(
            participant=member, session=gone, status=EnrollmentStatus.CANCELLED
        ),
        "left": EnrollmentFactory(
            participant=member,
            session=session_of("Union Structure", 12),
            status=EnrollmentStatus.CANCELLED,
        ),
    }


def cancel_url(enrollment):
    return f"/en/my-learning/enrolments/{enrollment.pk}/cancel/"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/my-learning/")

    assert response.status_code == 302
    assert response.url == "/en/sign-in/?next=/en/my-learning/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES[1:])
def test_every_signed_in_person_may_open_my_learning(client_as, users, catalogue, role):
    response = client_as(users[role]).get("/en/my-learning/")

    assert response.status_code == 200
    assert response.context["participant"] is None
    assert "There are no enrolments for your account yet." in response.text
    assert "Find a workshop" in response.text


@pytest.mark.django_db
def test_a_member_sees_their_enrolments_sorted_out(client, participant, record):
    client.force_login(participant)

    response = client.get("/en/my-learning/")

    assert response.status_code == 200
    context = response.context
    assert context["upcoming"] == [record["upcoming"]]
    assert context["waitlisted"] == [record["waitlisted"]]
    assert context["waitlisted"][0].position == 2
    assert context["past"] == [
        record["session_cancelled"],
        record["completed"],
        record["short"],
        record["missed"],
    ]
    assert context["completed_count"] == 2
    assert context["hours_completed"] == 9
    text = response.text
    assert "Welcome, Ana Lima." in text
    assert "Handling Conflict" in text
    assert "Waitlist position 2" in text
    assert "Completed (6 hours)" in text
    assert "Completed (3 hours)" in text
    assert "Not completed" in text
    assert "Session cancelled" in text
    assert "Union Structure" not in text  # cancelled by the member: nothing to show
    assert text.count("Cancel my enrolment") == 1
    assert text.count("Leave the waitlist") == 1


@pytest.mark.django_db
def test_another_member_sees_none_of_it(client, another_participant, record):
    ParticipantFactory(user=another_participant, name="Ben Roy", email=another_participant.email)
    client.force_login(another_participant)

    response = client.get("/en/my-learning/")

    assert response.status_code == 200
    assert "Welcome, Ben Roy." in response.text
    for title in ("Handling Conflict", "Global Solidarity", "Stopping Workplace Bullying"):
        assert title not in response.text
    assert response.context["hours_completed"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["another_participant", "facilitator", "staff", "superuser"])
def test_nobody_else_may_cancel_a_members_enrolment_here(client_as, users, record, role, method):
    enrollment = record["upcoming"]

    response = getattr(client_as(users[role]), method)(cancel_url(enrollment))

    assert response.status_code == 404
    assert "Ana Lima" not in response.text
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_anonymous_visitors_cannot_cancel_either(client, record):
    response = client.post(cancel_url(record["upcoming"]))

    assert response.status_code == 302
    assert response.url.startswith("/en/sign-in/")
    record["upcoming"].refresh_from_db()
    assert record["upcoming"].status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_a_member_cancels_and_the_waitlist_moves_up(
    client, participant, member, catalogue, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), capacity=1)
    mine = EnrollmentFactory(participant=member, session=session)
    next_in_line = EnrollmentFactory(session=session, status=EnrollmentStatus.WAITLISTED)
    client.force_login(participant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(mine), follow=True)

    assert response.redirect_chain == [("/en/my-learning/", 302)]
    assert "is cancelled" in response.text
    mine.refresh_from_db()
    next_in_line.refresh_from_db()
    assert mine.status == EnrollmentStatus.CANCELLED
    assert next_in_line.status == EnrollmentStatus.CONFIRMED
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [member.email, next_in_line.participant.email]
    )


@pytest.mark.django_db
def test_a_member_leaves_a_waitlist(client, participant, record):
    client.force_login(participant)

    response = client.post(cancel_url(record["waitlisted"]), follow=True)

    assert "You left the waitlist for “Global Solidarity”." in response.text
    record["waitlisted"].refresh_from_db()
    assert record["waitlisted"].status == EnrollmentStatus.CANCELLED


@pytest.mark.django_db
def test_cancelling_twice_or_too_late_is_explained(client, participant, member, record):
    client.force_login(participant)

    twice = client.post(cancel_url(record["left"]), follow=True)
    late = client.post(cancel_url(record["missed"]), follow=True)

    assert "This enrolment was already cancelled." in twice.text
    assert "can no longer be cancelled" in late.text
    record["missed"].refresh_from_db()
    assert record["missed"].status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_cancelling_asks_first(client, participant, record):
    client.force_login(participant)

    response = client.get(cancel_url(record["upcoming"]))

    assert response.status_code == 200
    assert "Cancel your enrolment?" in response.text
    record["upcoming"].refresh_from_db()
    assert record["upcoming"].status == EnrollmentStatus.CONFIRMED
    assert client.get("/en/my-learning/enrolments/987654/cancel/").status_code == 404
    assert client.post("/en/my-learning/enrolments/987654/cancel/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_my_learning_costs_the_same_however_many_enrolments(
    client, participant, member, catalogue, django_assert_max_num_queries, size
):
    workshops = [WorkshopPageFactory(parent=catalogue) for _ in range(3)]
    kinds = [
        {"start": days_from_now(10)},
        {"start": days_from_now(-10), "status": SessionStatus.DELIVERED},
        {"start": days_from_now(20), "capacity": 1},
    ]
    for number in range(size):
        kind = kinds[number % 3]
        session = SessionFactory(workshop=workshops[number % 3], days=2, **kind)
        if "capacity" in kind:
            EnrollmentFactory(session=session)
            status = EnrollmentStatus.WAITLISTED
        else:
            status = EnrollmentStatus.CONFIRMED
        EnrollmentFactory(participant=member, session=session, status=status, completed=number % 2)
    client.force_login(participant)
    client.get("/en/my-learning/")  # creates the site's settings row once, outside the budget

    with django_assert_max_num_queries(MY_LEARNING_MAX_QUERIES):
        response = client.get("/en/my-learning/")

    assert response.status_code == 200
    shown = response.context["upcoming"] + response.context["waitlisted"] + response.context["past"]
    assert len(shown) == size
    assert all(enrollment.position == 1 for enrollment in response.context["waitlisted"])
