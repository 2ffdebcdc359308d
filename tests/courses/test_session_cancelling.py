"""Cancelling: staff give a reason for cancelling a session, which is kept, logged and told;
everyone is emailed, and whoever had the session in their calendar gets a METHOD:CANCEL file
that removes it (same UIDs, STATUS:CANCELLED, higher SEQUENCE). A member who cancels, or whose
enrolment staff cancel, gets such a file too."""

import re

from django.core import mail
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant
from courses.sessions.emails import send_enrollment_email
from courses.sessions.enrollment import CancellationReasonMissing, cancel, cancel_session, enrol
from tests.courses.calendars import attachment, events, method, validated
from tests.factories import ParticipantFactory, SessionFactory, UserFactory, WorkshopPageFactory

pytestmark = pytest.mark.django_db

WORKSHOP = "Handling Conflict"
CANCEL_LINK = re.compile(r"http://testserver((?:/[a-z]{2})?/enrolments/cancel/[^/\s]+/)")


@pytest.fixture
def session(catalogue):
    return SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title=WORKSHOP), capacity=1, days=2
    )


@pytest.fixture
def ana(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return enrol(session.pk, ParticipantFactory(email="ana@example.org").pk).enrollment


@pytest.fixture
def ben(session, ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return enrol(session.pk, ParticipantFactory(email="ben@example.org").pk).enrollment


def confirmation_events(enrollment):
    enrollment = Enrollment.objects.select_related("participant", "session__workshop").get(
        pk=enrollment.pk
    )
    return events(attachment(send_enrollment_email(enrollment, "confirmed")))


def assert_cancels(message, before):
    """``message`` brings a METHOD:CANCEL file of the events ``before``, later than them."""
    ics = attachment(message)
    assert method(ics) == "CANCEL"
    cancelled = events(ics)
    assert set(cancelled) == set(before)
    for uid, event in cancelled.items():
        assert str(event["status"]) == "CANCELLED"
        assert event.decoded("sequence") > before[uid].decoded("sequence")
        assert str(event["attendee"]) == f"mailto:{message.to[0]}"


def people_url(session):
    return reverse("wagtailsnippets_courses_session:people", args=[session.pk])


def cancel_url(session):
    return reverse("wagtailsnippets_courses_session:cancel_session", args=[session.pk])


# Cancelling a whole session


def test_cancelling_a_session_asks_for_a_reason(client, staff, session, ana, ben):
    client.force_login(staff)
    mail.outbox.clear()

    page = client.get(cancel_url(session))
    assert 'name="reason"' in page.content.decode()

    for sent in ({}, {"reason": "   "}):
        response = client.post(cancel_url(session), sent)
        assert response.status_code == 200
        assert "Say why the session is cancelled." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert mail.outbox == []


def test_the_reason_is_kept_logged_and_told_with_a_cancellation_for_calendars(
    client, staff, session, ana, ben, django_capture_on_commit_callbacks
):
    before = confirmation_events(ana)
    client.force_login(staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            cancel_url(session), {"reason": "The venue flooded. We will reschedule."}
        )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancellation_reason == "The venue flooded. We will reschedule."
    entry = ModelLogEntry.objects.get(action="courses.session.cancel")
    assert entry.data["reason"] == "The venue flooded. We will reschedule."
    assert "The venue flooded. We will reschedule." in entry.message
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
    ]
    for message in mail.outbox:
        assert message.subject == f"Session cancelled: {WORKSHOP}"
        assert "The venue flooded. We will reschedule." in message.body
        assert "The venue flooded. We will reschedule." in message.alternatives[0][0]
    [to_ana] = [message for message in mail.outbox if message.to == ["ana@example.org"]]
    assert_cancels(to_ana, before)
    # Ben only waited: no event of it was ever in his calendar.
    [to_ben] = [message for message in mail.outbox if message.to == ["ben@example.org"]]
    assert to_ben.attachments == []
    # The People page says why.
    assert "The venue flooded." in client.get(people_url(session)).content.decode()


def test_the_service_refuses_a_cancellation_without_a_reason(session, ana):
    with pytest.raises(CancellationReasonMissing):
        cancel_session(session.pk, reason=" ")

    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_everyone_offered_or_waiting_is_told_too(session, ana, django_capture_on_commit_callbacks):
    offered = enrol(session.pk, ParticipantFactory(email="olga@example.org").pk).enrollment
    Enrollment.objects.filter(pk=offered.pk).update(status=EnrollmentStatus.OFFERED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session.pk, reason="Snowstorm.")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "olga@example.org",
    ]


def test_the_public_calendar_of_a_cancelled_session_says_so_with_a_higher_sequence(
    client, session, ana
):
    before = events(client.get(f"/en/sessions/{session.pk}/calendar.ics").content)

    cancel_session(session.pk, reason="Snowstorm.")

    after = events(client.get(f"/en/sessions/{session.pk}/calendar.ics").content)
    assert set(after) == set(before)
    for uid, event in after.items():
        assert str(event["status"]) == "CANCELLED"
        assert event.decoded("sequence") > before[uid].decoded("sequence")


# Cancelling one enrolment


def test_a_member_cancelling_from_my_learning_gets_a_cancellation_for_their_calendar(
    client, session, ana, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ana@example.org")
    Participant.objects.filter(pk=ana.participant_id).update(user=user)
    before = confirmation_events(ana)
    client.force_login(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:my_learning_cancel", args=[ana.pk]))

    [message] = mail.outbox
    assert message.subject == f"Enrolment cancelled: {WORKSHOP}"
    assert_cancels(message, before)


def test_cancelling_by_the_emailed_link_sends_a_cancellation_too(
    client, session, ana, django_capture_on_commit_callbacks
):
    before = confirmation_events(ana)
    email = send_enrollment_email(
        Enrollment.objects.select_related("participant", "session__workshop").get(pk=ana.pk),
        "confirmed",
    )
    path = CANCEL_LINK.search(email.body).group(1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)

    [message] = mail.outbox
    assert_cancels(message, before)


def test_staff_removing_someone_sends_them_a_cancellation_and_seats_the_next(
    client, staff, session, ana, ben, django_capture_on_commit_callbacks
):
    before = confirmation_events(ana)
    client.force_login(staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailsnippets_courses_session:cancel_enrollment", args=[session.pk, ana.pk])
        )

    [to_ana] = [message for message in mail.outbox if message.to == ["ana@example.org"]]
    assert_cancels(to_ana, before)
    ben.refresh_from_db()
    assert ben.status == EnrollmentStatus.CONFIRMED


def test_leaving_a_waitlist_sends_no_calendar_file(
    session, ana, ben, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(ben.pk)

    [message] = mail.outbox
    assert message.attachments == []


def test_enrolling_again_after_cancelling_comes_after_the_cancellation(
    session, ana, django_capture_on_commit_callbacks
):
    """Calendar apps ignore an event older than the cancellation they hold: the new seat's
    events must be later than the cancellation's, and the cancellation later than the seat."""
    seat = confirmation_events(ana)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(ana.pk)
        again = enrol(session.pk, ana.participant_id).enrollment
    cancelled = events(attachment(mail.outbox[0]))
    new_seat = confirmation_events(again)

    for uid in seat:
        assert (
            seat[uid].decoded("sequence")
            < cancelled[uid].decoded("sequence")
            < new_seat[uid].decoded("sequence")
        )


def test_every_cancellation_file_is_a_valid_calendar(session, ana, ben):
    for enrollment in (ana, ben):
        enrollment = Enrollment.objects.select_related("participant", "session__workshop").get(
            pk=enrollment.pk
        )
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.confirmed_at = enrollment.confirmed_at or enrollment.created_at
        message = send_enrollment_email(enrollment, "cancelled")
        validated(attachment(message))
