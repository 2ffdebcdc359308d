"""The attendance rules in courses.attendance: marking, walk-ins, closing a session with its
completion, its signal and outcome emails, and reopening."""

from decimal import Decimal

from django.core import mail
from django.db import IntegrityError, transaction

from wagtail.models import ModelLogEntry

import pytest

from courses.attendance import (
    AlreadyClosed,
    InvalidMark,
    NotAllowed,
    NotConfirmed,
    SessionClosed,
    UnmarkedParticipants,
    add_walk_in,
    close_session,
    is_completed,
    mark_attendance,
    reopen_session,
    unmarked_enrollments,
)
from courses.choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Attendance, Enrollment, Participant
from courses.signals import session_closed
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

PRESENT, PARTIAL = AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL
ABSENT, EXCUSED = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED


@pytest.fixture
def workshop(catalogue):
    """A workshop without a certificate: only the outcome emails of closing are counted here
    (certificates and their emails are the certificates app's, tested there)."""
    return WorkshopPageFactory(
        parent=catalogue, title="Handling Conflict", duration_hours=6, issues_certificate=False
    )


@pytest.fixture
def session(workshop, facilitator):
    return SessionFactory(workshop=workshop, capacity=2, facilitators=[facilitator])


def enrol(session, **kwargs):
    return EnrollmentFactory(session=session, **kwargs)


def marks_logged(enrollment):
    return list(
        ModelLogEntry.objects.for_instance(enrollment)
        .filter(action="courses.attendance.mark")
        .order_by("timestamp", "pk")
    )


@pytest.fixture
def closed_signals():
    """The ``session_closed`` signals sent while the test runs, as keyword dicts."""
    received = []

    def receiver(sender, **kwargs):
        received.append({"sender": sender, **kwargs})

    session_closed.connect(receiver)
    yield received
    session_closed.disconnect(receiver)


# Marking


@pytest.mark.django_db
def test_marks_default_to_the_full_workshop_or_no_hours(session, facilitator):
    here, away, excused = enrol(session), enrol(session), enrol(session)

    changed = mark_attendance(
        session.pk,
        {here.pk: (PRESENT, None), away.pk: (ABSENT, None), excused.pk: (EXCUSED, "")},
        user=facilitator,
    )

    assert len(changed) == 3
    recorded = {a.enrollment_id: (a.status, a.hours_attended) for a in Attendance.objects.all()}
    assert recorded == {
        here.pk: (PRESENT, Decimal("6.00")),
        away.pk: (ABSENT, Decimal("0.00")),
        excused.pk: (EXCUSED, Decimal("0.00")),
    }
    assert Attendance.objects.get(enrollment=here).marked_by == facilitator


@pytest.mark.django_db
def test_partly_present_needs_hours(session, facilitator):
    late = enrol(session, participant__name="Ana Lima")

    with pytest.raises(InvalidMark) as refused:
        mark_attendance(session.pk, {late.pk: (PARTIAL, None)}, user=facilitator)

    assert "Ana Lima" in str(refused.value.message)
    assert refused.value.enrollment_id == late.pk
    assert not Attendance.objects.exists()
    mark_attendance(session.pk, {late.pk: (PARTIAL, "4,5")}, user=facilitator)
    assert Attendance.objects.get().hours_attended == Decimal("4.50")


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["7", "-1", "lots", "NaN"])
def test_hours_outside_the_workshop_are_refused(session, facilitator, hours):
    late = enrol(session)

    with pytest.raises(InvalidMark):
        mark_attendance(session.pk, {late.pk: (PARTIAL, hours)}, user=facilitator)

    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_negative_hours(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(enrollment=enrol(session), status=PARTIAL, hours_attended=-1)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [EnrollmentStatus.WAITLISTED, EnrollmentStatus.CANCELLED])
def test_only_confirmed_enrolments_are_marked(session, facilitator, status):
    confirmed, other = enrol(session), enrol(session, status=status)

    with pytest.raises(NotConfirmed) as refused:
        mark_attendance(
            session.pk, {confirmed.pk: (PRESENT, None), other.pk: (PRESENT, None)}, user=facilitator
        )

    assert refused.value.enrollment_id == other.pk
    assert other.participant.name in str(refused.value.message)
    assert not Attendance.objects.exists()  # nothing written, not even the valid mark


@pytest.mark.django_db
def test_enrolments_of_another_session_are_not_marked(session, facilitator):
    elsewhere = EnrollmentFactory()

    with pytest.raises(NotConfirmed):
        mark_attendance(session.pk, {elsewhere.pk: (PRESENT, None)}, user=facilitator)


@pytest.mark.django_db
def test_changing_a_mark_keeps_the_old_one_in_the_history(session, facilitator, staff):
    member = enrol(session)
    mark_attendance(session.pk, {member.pk: (PRESENT, None)}, user=facilitator)

    changed = mark_attendance(session.pk, {member.pk: (PARTIAL, 3)}, user=staff)

    assert [attendance.status for attendance in changed] == [PARTIAL]
    first, second = marks_logged(member)
    assert (first.user, first.data["status"], first.data["previous_status"]) == (
        facilitator,
        "present",
        None,
    )
    assert second.user == staff
    assert second.data == {
        "name": member.participant.name,
        "status": "partial",
        "hours": "3.00",
        "previous_status": "present",
        "previous_hours": "6.00",
    }
    assert "from Present" in second.message
    assert Attendance.objects.get().marked_by == staff


@pytest.mark.django_db
def test_unchanged_marks_write_and_log_nothing(session, facilitator):
    member = enrol(session)
    mark_attendance(session.pk, {member.pk: (PRESENT, None)}, user=facilitator)

    assert mark_attendance(session.pk, {member.pk: (PRESENT, "6")}, user=facilitator) == []
    assert len(marks_logged(member)) == 1


@pytest.mark.django_db
def test_unmarked_enrollments_are_the_confirmed_ones_without_attendance(session):
    marked, unmarked = enrol(session), enrol(session)
    enrol(session, status=EnrollmentStatus.WAITLISTED)
    AttendanceFactory(enrollment=marked)

    assert list(unmarked_enrollments(session)) == [unmarked]


# Walk-ins


@pytest.mark.django_db
def test_a_walk_in_reuses_the_participant_with_that_email(session, facilitator):
    known = ParticipantFactory(name="Ana Lima", email="Ana.Lima@example.org")

    enrollment, over_capacity = add_walk_in(
        session.pk, name="A. Lima", email="ana.lima@EXAMPLE.org", user=facilitator
    )

    assert enrollment.participant == known
    assert Participant.objects.count() == 1
    assert (enrollment.status, enrollment.source) == (
        EnrollmentStatus.CONFIRMED,
        EnrollmentSource.WALK_IN,
    )
    assert (enrollment.attendance.status, enrollment.attendance.hours_attended) == (
        PRESENT,
        Decimal("6"),
    )
    assert not over_capacity
    assert len(marks_logged(enrollment)) == 1


@pytest.mark.django_db
def test_a_walk_in_over_capacity_is_recorded_and_flagged(session, facilitator):
    enrol(session), enrol(session)

    enrollment, over_capacity = add_walk_in(
        session.pk, name="Sam Walker", email="sam@example.org", user=facilitator
    )

    assert over_capacity
    assert session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count() == 3
    assert session.capacity == 2
    assert enrollment.participant.email == "sam@example.org"


@pytest.mark.django_db
def test_a_walk_in_from_the_waitlist_is_confirmed(session, facilitator):
    waiting = enrol(session, status=EnrollmentStatus.WAITLISTED)

    enrollment, _ = add_walk_in(
        session.pk,
        name=waiting.participant.name,
        email=waiting.participant.email.upper(),
        user=facilitator,
    )

    assert enrollment.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.CONFIRMED
    assert waiting.confirmed_at is not None
    assert waiting.attendance.status == PRESENT
    assert session.enrollments.count() == 1


@pytest.mark.django_db
def test_a_confirmed_member_walking_in_is_simply_marked_present(session, facilitator):
    seated = enrol(session)

    enrollment, _ = add_walk_in(
        session.pk, name="x", email=seated.participant.email, user=facilitator
    )

    assert enrollment.pk == seated.pk
    assert session.enrollments.count() == 1
    assert Attendance.objects.get().status == PRESENT


@pytest.mark.django_db
@pytest.mark.parametrize("status", [SessionStatus.CANCELLED, SessionStatus.DELIVERED])
def test_no_walk_ins_once_a_session_is_over(workshop, facilitator, status):
    over = SessionFactory(workshop=workshop, status=status)

    with pytest.raises(SessionClosed):
        add_walk_in(over.pk, name="Sam", email="sam@example.org", user=facilitator)

    assert not Enrollment.objects.exists()


# Completion


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "hours", "completed"),
    [
        (PRESENT, "6", True),
        (PARTIAL, "6", True),
        (PARTIAL, "5.75", False),
        (ABSENT, "0", False),
        (EXCUSED, "0", False),
    ],
)
def test_completion_rule(workshop, status, hours, completed):
    attendance = Attendance(status=status, hours_attended=Decimal(hours))

    assert is_completed(attendance, workshop) is completed


# Closing


@pytest.mark.django_db
def test_closing_is_refused_while_people_are_unmarked(session, facilitator, closed_signals):
    marked = enrol(session)
    enrol(session, participant__name="Ana Lima")
    enrol(session, participant__name="Bo Chen")
    mark_attendance(session.pk, {marked.pk: (PRESENT, None)}, user=facilitator)

    with pytest.raises(UnmarkedParticipants) as refused:
        close_session(session.pk, user=facilitator)

    assert "Ana Lima, Bo Chen" in str(refused.value.message)
    assert len(refused.value.enrollments) == 2
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert closed_signals == []


@pytest.mark.django_db
def test_closing_may_mark_the_unmarked_absent(session, facilitator):
    marked, unmarked = enrol(session), enrol(session)
    mark_attendance(session.pk, {marked.pk: (PRESENT, None)}, user=facilitator)

    result = close_session(session.pk, user=facilitator, mark_unmarked_absent=True)

    assert result.marked_absent == [unmarked]
    assert Attendance.objects.get(enrollment=unmarked).status == ABSENT
    assert [enrollment.pk for enrollment in result.completed] == [marked.pk]


@pytest.mark.django_db
def test_closing_records_completion_signals_and_emails_each_outcome(
    session, facilitator, closed_signals, django_capture_on_commit_callbacks
):
    present = enrol(session, participant__email="present@example.org")
    long_enough = enrol(session, participant__email="long@example.org")
    short = enrol(
        session, participant__email="short@example.org", participant__preferred_language="fr"
    )
    away = enrol(session, participant__email="away@example.org")
    waiting = enrol(session, status=EnrollmentStatus.WAITLISTED)
    mark_attendance(
        session.pk,
        {
            present.pk: (PRESENT, None),
            long_enough.pk: (PARTIAL, "6"),
            short.pk: (PARTIAL, "2.5"),
            away.pk: (ABSENT, None),
        },
        user=facilitator,
    )

    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=facilitator)
        assert closed_signals == []  # not before the commit

    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    completed = dict(session.enrollments.values_list("pk", "completed"))
    assert completed == {
        present.pk: True,
        long_enough.pk: True,
        short.pk: False,
        away.pk: False,
        waiting.pk: False,
    }
    assert len(closed_signals) == 1
    signal = closed_signals[0]
    assert signal["sender"].__name__ == "Session"
    assert signal["session"].pk == session.pk
    assert sorted(signal["completed_enrollment_ids"]) == sorted([present.pk, long_enough.pk])
    assert signal["user"] == facilitator
    outcomes = {message.to[0]: message for message in mail.outbox}
    assert set(outcomes) == {
        "present@example.org",
        "long@example.org",
        "short@example.org",
        "away@example.org",
    }
    assert outcomes["present@example.org"].subject == "Workshop completed: Handling Conflict"
    assert "6 hours" in outcomes["present@example.org"].body
    assert "did not complete" in outcomes["away@example.org"].body
    assert outcomes["short@example.org"].alternatives[0].mimetype == "text/html"
    close_log = ModelLogEntry.objects.for_instance(session).get(action="courses.session.close")
    assert close_log.user == facilitator
    assert close_log.message == "Closed the session: 2 completed, 2 did not"


@pytest.mark.django_db
def test_closing_twice_is_an_error(session, facilitator):
    close_session(session.pk, user=facilitator)

    with pytest.raises(AlreadyClosed):
        close_session(session.pk, user=facilitator)


@pytest.mark.django_db
def test_marking_after_closing_is_refused(session, facilitator):
    member = enrol(session)
    mark_attendance(session.pk, {member.pk: (PRESENT, None)}, user=facilitator)
    close_session(session.pk, user=facilitator)

    with pytest.raises(SessionClosed):
        mark_attendance(session.pk, {member.pk: (ABSENT, None)}, user=facilitator)

    assert Attendance.objects.get().status == PRESENT


# Reopening


@pytest.mark.django_db
def test_facilitators_may_not_reopen_a_session(session, facilitator):
    close_session(session.pk, user=facilitator)

    with pytest.raises(NotAllowed):
        reopen_session(session.pk, user=facilitator)

    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_reopen_a_session_and_it_is_logged(session, facilitator, users, role):
    member = enrol(session)
    mark_attendance(session.pk, {member.pk: (PRESENT, None)}, user=facilitator)
    close_session(session.pk, user=facilitator)

    reopen_session(session.pk, user=users[role])

    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Attendance.objects.get().status == PRESENT  # attendance is kept
    reopened = ModelLogEntry.objects.for_instance(session).get(action="courses.session.reopen")
    assert reopened.user == users[role]
    assert reopened.message == "Reopened the session"


@pytest.mark.django_db
def test_closing_again_after_reopening_recomputes_and_signals_again(
    session, facilitator, staff, closed_signals, django_capture_on_commit_callbacks
):
    first, second = enrol(session), enrol(session)
    mark_attendance(
        session.pk, {first.pk: (PRESENT, None), second.pk: (ABSENT, None)}, user=facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=facilitator)
    reopen_session(session.pk, user=staff)
    mail.outbox.clear()

    mark_attendance(session.pk, {first.pk: (PARTIAL, "2"), second.pk: (PRESENT, None)}, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=staff)

    assert [signal["completed_enrollment_ids"] for signal in closed_signals] == [
        [first.pk],
        [second.pk],
    ]
    assert dict(session.enrollments.values_list("pk", "completed")) == {
        first.pk: False,
        second.pk: True,
    }
    assert Attendance.objects.count() == 2
    assert session.enrollments.count() == 2
    assert len(marks_logged(first)) == 2
    # Both outcomes changed, so both are told again; nobody gets a duplicate.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [first.participant.email, second.participant.email]
    )


@pytest.mark.django_db
def test_closing_again_emails_only_those_whose_outcome_changed(
    session, facilitator, staff, django_capture_on_commit_callbacks
):
    kept, changed = enrol(session), enrol(session)
    mark_attendance(
        session.pk, {kept.pk: (PRESENT, None), changed.pk: (ABSENT, None)}, user=facilitator
    )
    close_session(session.pk, user=facilitator)
    reopen_session(session.pk, user=staff)
    mark_attendance(session.pk, {changed.pk: (EXCUSED, None)}, user=staff)
    mark_attendance(session.pk, {changed.pk: (PRESENT, None)}, user=staff)

    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=staff)

    assert [message.to[0] for message in mail.outbox] == [changed.participant.email]
