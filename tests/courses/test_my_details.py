"""A member's name, local and language belong to them: My details, and the meeting link of an
online session only in their own calendar file."""

from django.core import mail
from django.test import TestCase

import pytest
from icalendar import Calendar

from courses.choices import EnrollmentStatus
from courses.models import Participant
from tests.courses.calendars import attachment
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    WorkshopPageFactory,
)

ROLES = ["anonymous", "participant", "another_participant", "facilitator", "staff", "superuser"]


@pytest.fixture
def local(db):
    return LocalFactory(number="3247", name="Social Services Workers")


@pytest.fixture
def member(participant, local):
    return ParticipantFactory(
        user=participant, name="Ana Lima", email="participant@example.org", local=local
    )


# My details


@pytest.mark.django_db
def test_a_member_sees_and_changes_their_own_details(client, participant, member):
    client.force_login(participant)
    LocalFactory(number="1001", name="Library Workers")

    page = client.get("/en/my-learning/details/")
    saved = client.post(
        "/en/my-learning/details/",
        {"name": "Ana M. Lima", "local": "1001", "preferred_language": "fr"},
    )

    assert page.status_code == 200
    assert page.context["form"]["name"].value() == "Ana Lima"
    assert saved.status_code == 302
    assert saved.url == "/en/my-learning/"
    member.refresh_from_db()
    assert (member.name, member.local.number, member.preferred_language) == (
        "Ana M. Lima",
        "1001",
        "fr",
    )
    assert not member.local_confirmed  # a new local waits for the union to confirm it


@pytest.mark.django_db
def test_keeping_the_same_local_keeps_it_confirmed(client, participant, member):
    client.force_login(participant)

    client.post(
        "/en/my-learning/details/", {"name": "Ana", "local": "3247", "preferred_language": "en"}
    )

    member.refresh_from_db()
    assert member.local_confirmed


@pytest.mark.django_db
def test_my_details_keeps_what_was_typed_when_something_is_wrong(client, participant, member):
    client.force_login(participant)

    response = client.post(
        "/en/my-learning/details/", {"name": "Ana\x00", "local": "nope", "preferred_language": "xx"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "local", "preferred_language"}
    assert 'value="nope"' in response.text
    member.refresh_from_db()
    assert member.name == "Ana Lima"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_a_signed_in_member_has_details_to_change(client_as, users, member, role):
    client = client_as(users[role])

    page = client.get("/en/my-learning/details/")
    posted = client.post(
        "/en/my-learning/details/", {"name": "Mallory", "local": "3247", "preferred_language": "en"}
    )

    member.refresh_from_db()
    assert member.name == ("Mallory" if role == "participant" else "Ana Lima")
    if role == "anonymous":
        assert page.status_code == 302 and page.url.startswith("/en/sign-in/")
        assert posted.status_code == 302 and posted.url.startswith("/en/sign-in/")
    elif role == "participant":
        assert page.status_code == 200
    else:  # signed in, but not a participant: nothing of anyone's to show
        assert page.status_code == 302 and page.url == "/en/my-learning/"


@pytest.mark.django_db
def test_nobody_else_changes_a_name_by_enrolling_with_it(client, catalogue, member):
    session = SessionFactory(workshop=WorkshopPageFactory(parent=catalogue))

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/en/sessions/{session.pk}/enrol/",
            {
                "name": "Someone Else",
                "email": "PARTICIPANT@example.org",
                "local": "3247",
                "preferred_language": "fr",
            },
        )

    member.refresh_from_db()
    assert (member.name, member.preferred_language) == ("Ana Lima", "en")
    assert "Someone Else" not in mail.outbox[0].body


# Calendar files


def meeting_links(ics):
    calendar = Calendar.from_ical(ics)
    text = ics.decode()
    return [
        "https://meet.example.org/secret-room" in text,
        [str(event.get("location")) for event in calendar.walk("VEVENT")],
    ]


@pytest.fixture
def online_session(catalogue):
    return SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue),
        online_url="https://meet.example.org/secret-room",
        venue="",
        city="",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_public_calendar_file_never_has_the_meeting_link(
    client_as, users, online_session, role
):
    response = client_as(users[role]).get(f"/en/sessions/{online_session.pk}/calendar.ics")

    assert response.status_code == 200
    has_link, locations = meeting_links(response.content)
    assert not has_link
    assert locations == ["Online"]


@pytest.mark.django_db
def test_a_confirmed_member_downloads_their_own_file_with_the_link(
    client, participant, member, online_session
):
    enrollment = EnrollmentFactory(participant=member, session=online_session)
    client.force_login(participant)

    response = client.get(f"/en/my-learning/enrolments/{enrollment.pk}/calendar.ics")
    my_learning = client.get("/en/my-learning/")

    assert response.status_code == 200
    assert meeting_links(response.content)[0]
    assert f"/en/my-learning/enrolments/{enrollment.pk}/calendar.ics" in my_learning.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_downloads_a_members_own_calendar_file(
    client_as, users, member, online_session, role
):
    enrollment = EnrollmentFactory(participant=member, session=online_session)
    if role == "participant":
        return  # the owner: the test above
    response = client_as(users[role]).get(
        f"/en/my-learning/enrolments/{enrollment.pk}/calendar.ics"
    )

    assert response.status_code in (302, 404)
    assert b"secret-room" not in response.content


@pytest.mark.django_db
def test_a_waitlisted_member_gets_no_meeting_link(client, participant, member, online_session):
    enrollment = EnrollmentFactory(
        participant=member, session=online_session, status=EnrollmentStatus.WAITLISTED
    )
    client.force_login(participant)

    response = client.get(f"/en/my-learning/enrolments/{enrollment.pk}/calendar.ics")

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_confirmation_email_attaches_the_file_with_the_link(catalogue, online_session):
    from courses.sessions.enrollment import enrol

    participant = ParticipantFactory(user=UserFactory())
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrol(online_session.pk, participant.pk)

    [message] = mail.outbox
    assert b"secret-room" in attachment(message)


@pytest.mark.django_db
def test_the_enrol_page_links_the_public_file(client, online_session):
    page = client.get(f"/en/sessions/{online_session.pk}/enrol/")

    assert "secret-room" not in page.text
    assert f"/en/sessions/{online_session.pk}/calendar.ics" in page.text
    assert Participant.objects.count() == 0
