"""The enrolment rules in courses.sessions.enrollment: seats, the waitlist, deadlines, eligibility,
prerequisites, cancelling with promotion, and the database constraints behind them."""

from datetime import timedelta

from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from courses.choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant, Session
from courses.sessions.enrollment import (
    AlreadyEnrolled,
    CancellationClosed,
    MissingPrerequisite,
    NotEligible,
    RegistrationClosed,
    cancel,
    cancel_session,
    enrol,
    find_or_create_participant,
    waitlist_position,
)
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def session(workshop):
    return SessionFactory(workshop=workshop, capacity=2)


def reload(enrollment):
    enrollment.refresh_from_db()
    return enrollment


def subjects_to(address):
    return [message.subject for message in mail.outbox if message.to == [address]]


# Seats and the waitlist


@pytest.mark.django_db
def test_enrol_confirms_while_there_are_seats(session, django_capture_on_commit_callbacks):
    first, second = ParticipantFactory(), ParticipantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        results = [enrol(session.pk, person.pk) for person in (first, second)]

    for result in results:
        assert result.confirmed
        assert result.position is None
        assert result.enrollment.status == EnrollmentStatus.CONFIRMED
        assert result.enrollment.confirmed_at is not None
        assert result.enrollment.source == EnrollmentSource.SELF
    assert subjects_to(first.email) == ["You are enrolled: Handling Conflict"]
    assert subjects_to(second.email) == ["You are enrolled: Handling Conflict"]


@pytest.mark.django_db
def test_a_full_session_waitlists_in_the_order_people_came(session):
    for _ in range(session.capacity):
        enrol(session.pk, ParticipantFactory().pk)

    results = [enrol(session.pk, ParticipantFactory().pk) for _ in range(3)]

    assert [result.confirmed for result in results] == [False, False, False]
    assert [result.position for result in results] == [1, 2, 3]
    assert [waitlist_position(result.enrollment) for result in results] == [1, 2, 3]
    assert all(result.enrollment.confirmed_at is None for result in results)


@pytest.mark.django_db
def test_cancelling_a_seat_promotes_the_first_waitlisted_only(
    workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=workshop, capacity=1)
    seated = enrol(session.pk, ParticipantFactory().pk).enrollment
    first = enrol(session.pk, ParticipantFactory(email="first@example.org").pk).enrollment
    second = enrol(session.pk, ParticipantFactory(email="second@example.org").pk).enrollment

    with django_capture_on_commit_callbacks(execute=True):
        promoted = cancel(seated.pk)

    assert promoted == [first]
    assert reload(seated).status == EnrollmentStatus.CANCELLED
    assert reload(first).status == EnrollmentStatus.CONFIRMED
    assert first.confirmed_at is not None
    assert reload(second).status == EnrollmentStatus.WAITLISTED
    assert waitlist_position(second) == 1
    assert subjects_to("first@example.org") == ["A place opened up: Handling Conflict"]
    assert subjects_to("second@example.org") == []
    assert subjects_to(seated.participant.email) == ["Enrolment cancelled: Handling Conflict"]


@pytest.mark.django_db
def test_leaving_the_waitlist_promotes_nobody_and_moves_the_queue_up(
    workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=workshop, capacity=1)
    seated = enrol(session.pk, ParticipantFactory().pk).enrollment
    waiting = [enrol(session.pk, ParticipantFactory().pk).enrollment for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        promoted = cancel(waiting[0].pk)

    assert promoted == []
    assert reload(seated).status == EnrollmentStatus.CONFIRMED
    assert [waitlist_position(reload(enrollment)) for enrollment in waiting[1:]] == [1, 2]
    assert [message.subject for message in mail.outbox] == [
        "Enrolment cancelled: Handling Conflict"
    ]


@pytest.mark.django_db
def test_cancelling_twice_is_harmless(session, django_capture_on_commit_callbacks):
    enrollment = enrol(session.pk, ParticipantFactory().pk).enrollment
    cancel(enrollment.pk)
    cancelled_at = reload(enrollment).cancelled_at

    with django_capture_on_commit_callbacks(execute=True):
        assert cancel(enrollment.pk) == []

    assert reload(enrollment).status == EnrollmentStatus.CANCELLED
    assert enrollment.cancelled_at == cancelled_at
    assert mail.outbox == []


@pytest.mark.django_db
def test_members_cannot_cancel_once_the_session_started_but_staff_can(session):
    enrollment = enrol(session.pk, ParticipantFactory().pk).enrollment
    during = session.starts_at + timedelta(hours=1)

    with pytest.raises(CancellationClosed) as refused:
        cancel(enrollment.pk, now=during)
    assert "started" in str(refused.value.message)
    assert reload(enrollment).status == EnrollmentStatus.CONFIRMED

    cancel(enrollment.pk, by_staff=True, now=during)
    assert reload(enrollment).status == EnrollmentStatus.CANCELLED


# When registration is open


@pytest.mark.django_db
def test_registration_closes_at_the_deadline(workshop):
    deadline = timezone.now() + timedelta(days=3)
    session = SessionFactory(workshop=workshop, registration_deadline=deadline)

    with pytest.raises(RegistrationClosed):
        enrol(session.pk, ParticipantFactory().pk, now=deadline)
    assert enrol(session.pk, ParticipantFactory().pk, now=deadline - timedelta(minutes=1))


@pytest.mark.django_db
def test_without_a_deadline_registration_closes_at_the_start(session):
    with pytest.raises(RegistrationClosed):
        enrol(session.pk, ParticipantFactory().pk, now=session.starts_at)


@pytest.mark.django_db
def test_staff_may_enrol_after_the_deadline(workshop):
    deadline = timezone.now() - timedelta(hours=1)
    session = SessionFactory(workshop=workshop, registration_deadline=deadline)

    result = enrol(
        session.pk, ParticipantFactory().pk, source=EnrollmentSource.STAFF, ignore_deadline=True
    )

    assert result.confirmed
    assert result.enrollment.source == EnrollmentSource.STAFF


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "words"),
    [(SessionStatus.CANCELLED, "cancelled"), (SessionStatus.DELIVERED, "taken place")],
)
def test_cancelled_and_delivered_sessions_take_nobody(workshop, status, words):
    session = SessionFactory(workshop=workshop, status=status)

    with pytest.raises(RegistrationClosed) as refused:
        enrol(session.pk, ParticipantFactory().pk, ignore_deadline=True)

    assert words in str(refused.value.message)
    assert not Enrollment.objects.exists()


# Who may enrol


@pytest.mark.django_db
def test_a_session_for_one_local_refuses_members_of_other_locals(workshop):
    local = LocalFactory(number="3247", name="Social Services Workers")
    session = SessionFactory(workshop=workshop, restricted_to_local=local)

    for outsider in (ParticipantFactory(), ParticipantFactory(local=None)):
        with pytest.raises(NotEligible) as refused:
            enrol(session.pk, outsider.pk)
        assert "3247" in str(refused.value.message)

    assert enrol(session.pk, ParticipantFactory(local=local).pk).confirmed


@pytest.fixture
def advanced(catalogue, workshop):
    """A workshop that needs "Handling Conflict" first."""
    return WorkshopPageFactory(
        parent=catalogue, title="Leading Through Conflict", prerequisites=[workshop]
    )


@pytest.mark.django_db
def test_a_missing_prerequisite_is_named(workshop, advanced):
    session = SessionFactory(workshop=advanced)
    member = ParticipantFactory()
    # Taking part without completing it is not enough.
    EnrollmentFactory(participant=member, session=SessionFactory(workshop=workshop))

    with pytest.raises(MissingPrerequisite) as refused:
        enrol(session.pk, member.pk)

    assert refused.value.workshops == [workshop]
    assert "Handling Conflict" in str(refused.value.message)
    assert not session.enrollments.exists()


@pytest.mark.django_db
def test_a_completed_prerequisite_lets_the_member_in(workshop, advanced):
    session = SessionFactory(workshop=advanced)
    member = ParticipantFactory()
    earlier = SessionFactory(
        workshop=workshop, start=timezone.now() - timedelta(days=30), status="delivered"
    )
    EnrollmentFactory(participant=member, session=earlier, completed=True)

    assert enrol(session.pk, member.pk).confirmed


@pytest.mark.django_db
def test_staff_may_override_prerequisites(advanced):
    session = SessionFactory(workshop=advanced)

    result = enrol(session.pk, ParticipantFactory().pk, override_prerequisites=True)

    assert result.confirmed


# One active enrolment per member and session


@pytest.mark.django_db
def test_enrolling_twice_is_refused_and_says_where_the_member_stands(workshop):
    session = SessionFactory(workshop=workshop, capacity=1)
    seated, waiting = ParticipantFactory(), ParticipantFactory()
    seat = enrol(session.pk, seated.pk).enrollment
    place_in_line = enrol(session.pk, waiting.pk).enrollment

    with pytest.raises(AlreadyEnrolled) as confirmed:
        enrol(session.pk, seated.pk)
    with pytest.raises(AlreadyEnrolled) as waitlisted:
        enrol(session.pk, waiting.pk)

    assert confirmed.value.enrollment == seat
    assert "already enrolled" in str(confirmed.value.message)
    assert waitlisted.value.enrollment == place_in_line
    assert "waitlist" in str(waitlisted.value.message)
    assert session.enrollments.count() == 2


@pytest.mark.django_db
def test_after_cancelling_a_member_may_enrol_again(session):
    member = ParticipantFactory()
    first = enrol(session.pk, member.pk).enrollment
    cancel(first.pk)

    again = enrol(session.pk, member.pk)

    assert again.confirmed
    assert again.enrollment.pk != first.pk
    assert list(session.enrollments.order_by("pk").values_list("status", flat=True)) == [
        EnrollmentStatus.CANCELLED,
        EnrollmentStatus.CONFIRMED,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("second_status", [EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED])
def test_the_database_allows_one_active_enrolment_per_member_and_session(session, second_status):
    first = EnrollmentFactory(session=session)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            participant=first.participant, session=session, status=second_status
        )

    assert session.enrollments.count() == 1


@pytest.mark.django_db
def test_the_database_keeps_cancelled_enrolments_beside_an_active_one(session):
    member = ParticipantFactory()
    EnrollmentFactory(participant=member, session=session, status=EnrollmentStatus.CANCELLED)
    EnrollmentFactory(participant=member, session=session, status=EnrollmentStatus.CANCELLED)

    EnrollmentFactory(participant=member, session=session)

    assert session.enrollments.count() == 3


# Participants


@pytest.mark.django_db
def test_participant_emails_are_unique_whatever_their_case():
    ParticipantFactory(email="A@x.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(email="a@x.org")

    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_find_or_create_participant_finds_a_member_by_email_in_any_case():
    local = LocalFactory()
    member = find_or_create_participant(name="Ana Lima", email="Ana.Lima@Example.org")

    again = find_or_create_participant(
        name="A. Lima", email="  ana.lima@EXAMPLE.ORG ", local=local, preferred_language="fr"
    )

    assert again.pk == member.pk
    assert Participant.objects.count() == 1
    again.refresh_from_db()
    assert again.name == "Ana Lima"  # the record they made keeps its details
    assert again.email == "Ana.Lima@Example.org"
    assert again.local == local  # and missing ones are filled in


@pytest.mark.django_db
def test_find_or_create_participant_creates_a_new_member():
    local = LocalFactory()

    member = find_or_create_participant(
        name=" Ana Lima ", email=" ana@example.org ", local=local, preferred_language="fr"
    )

    assert (member.name, member.email, member.local, member.preferred_language) == (
        "Ana Lima",
        "ana@example.org",
        local,
        "fr",
    )


# Cancelling a whole session


@pytest.mark.django_db
def test_cancelling_a_session_cancels_everyone_and_tells_each(
    workshop, django_capture_on_commit_callbacks
):
    session = SessionFactory(workshop=workshop, capacity=2)
    active = [enrol(session.pk, ParticipantFactory().pk).enrollment for _ in range(3)]
    gone = EnrollmentFactory(session=session, status=EnrollmentStatus.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel_session(session.pk, reason="The facilitator is ill.")

    assert {enrollment.pk for enrollment in cancelled} == {enrollment.pk for enrollment in active}
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert set(session.enrollments.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        enrollment.participant.email for enrollment in active
    )
    assert {message.subject for message in mail.outbox} == {"Session cancelled: Handling Conflict"}
    assert gone.participant.email not in {message.to[0] for message in mail.outbox}


# Capacity


@pytest.mark.django_db
def test_thirty_members_for_twenty_five_seats_makes_twenty_five_and_five(workshop):
    session = SessionFactory(workshop=workshop, capacity=25)

    results = [enrol(session.pk, ParticipantFactory().pk) for _ in range(30)]

    assert sum(result.confirmed for result in results) == 25
    assert [result.position for result in results[25:]] == [1, 2, 3, 4, 5]
    counted = Session.objects.with_counts().get(pk=session.pk)
    assert (counted.confirmed_count, counted.waitlisted_count) == (25, 5)
    assert counted.places_left == 0


@pytest.mark.django_db
def test_places_left_is_never_negative_when_capacity_is_lowered(workshop):
    session = SessionFactory(workshop=workshop, capacity=3)
    seats = [enrol(session.pk, ParticipantFactory().pk).enrollment for _ in range(3)]
    waiting = enrol(session.pk, ParticipantFactory().pk).enrollment

    session.capacity = 1
    session.save()

    assert Session.objects.get(pk=session.pk).places_left == 0
    assert Session.objects.with_counts().get(pk=session.pk).places_left == 0
    # Still over capacity after one cancels: nobody moves up from the waitlist.
    assert cancel(seats[0].pk) == []
    assert reload(waiting).status == EnrollmentStatus.WAITLISTED
    assert not enrol(session.pk, ParticipantFactory().pk).confirmed


# Emails wait for the transaction


@pytest.mark.django_db
def test_emails_are_sent_only_after_the_transaction_commits(
    session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        enrol(session.pk, ParticipantFactory(email="ana@example.org").pk)
        assert mail.outbox == []

    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_no_email_leaves_for_a_rolled_back_enrolment(session, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        enrol(session.pk, ParticipantFactory().pk)
        raise Rollback

    assert callbacks == []
    assert mail.outbox == []
    assert not Enrollment.objects.exists()
