"""The attendance rules in courses.attendance: marking, walk-ins, closing a session with its
completion, its signal and outcome emails, and reopening; when attendance and closing open;
attendance by day for a session of several parts."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from courses.attendance.rules import (
    AlreadyClosed,
    ClosingNotOpen,
    EarlyReasonRequired,
    InvalidMark,
    InvalidPart,
    InvalidWalkIn,
    NotAllowed,
    NotConfirmed,
    NotOpenYet,
    RosterChanged,
    SessionClosed,
    UnmarkedParticipants,
    add_walk_in,
    attendance_opens_at,
    close_session,
    closing_opens_at,
    derived_mark,
    is_completed,
    local_moment,
    mark_attendance,
    part_hours,
    preview_closing,
    reopen_session,
    roster_state,
    session_parts,
    unmarked_enrollments,
)
from courses.choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Attendance, AttendanceDay, Enrollment, Participant
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


def an_hour_ago():
    return (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)


@pytest.fixture
def session(workshop, facilitator):
    """A session of one six-hour part that started an hour ago: attendance and closing are
    open."""
    return SessionFactory(
        workshop=workshop, start=an_hour_ago(), capacity=2, facilitators=[facilitator]
    )


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
        session.pk, name="ana  LIMA", email="ana.lima@EXAMPLE.org", user=facilitator
    )

    assert enrollment.participant == known
    assert known.name == "Ana Lima"
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
def test_an_address_alone_never_adds_someone_else_as_a_walk_in(session, facilitator):
    known = ParticipantFactory(name="Bernadette Roy", email="bernadette@example.org")

    with pytest.raises(InvalidWalkIn) as refusal:
        add_walk_in(session.pk, name="B", email="BERNADETTE@example.org", user=facilitator)

    assert "Bernadette" not in refusal.value.message
    assert refusal.value.field == "email"
    assert not known.enrollments.exists()


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


# When attendance and closing open


def starting_at(workshop, facilitator, start, **kwargs):
    return SessionFactory(workshop=workshop, start=start, facilitators=[facilitator], **kwargs)


def in_minutes(minutes):
    return (timezone.now() + timedelta(minutes=minutes)).replace(second=0, microsecond=0)


@pytest.mark.django_db
def test_a_session_weeks_away_takes_no_marks_nor_walk_ins_and_says_when(workshop, facilitator):
    later = starting_at(workshop, facilitator, in_minutes(60 * 24 * 30))
    member = enrol(later)

    with pytest.raises(NotOpenYet) as refused:
        mark_attendance(later.pk, {member.pk: (PRESENT, None)}, user=facilitator)
    with pytest.raises(NotOpenYet):
        add_walk_in(later.pk, name="Sam Walker", email="sam@example.org", user=facilitator)

    assert refused.value.opens_at == later.starts_at - timedelta(hours=1)
    assert str(refused.value.message).startswith("Attendance for this session opens on ")
    assert local_moment(later, refused.value.opens_at) in refused.value.message
    assert not Attendance.objects.exists()
    assert later.enrollments.count() == 1


@pytest.mark.django_db
def test_attendance_opens_an_hour_before_the_session_starts(workshop, facilitator):
    soon = starting_at(workshop, facilitator, in_minutes(120))
    member = enrol(soon)
    opens = soon.starts_at - timedelta(hours=1)

    with pytest.raises(NotOpenYet):
        mark_attendance(
            soon.pk,
            {member.pk: (PRESENT, None)},
            user=facilitator,
            now=opens - timedelta(seconds=1),
        )
    mark_attendance(soon.pk, {member.pk: (PRESENT, None)}, user=facilitator, now=opens)

    assert Attendance.objects.get().status == PRESENT


@pytest.mark.django_db
def test_a_session_weeks_away_cannot_be_closed_by_its_facilitator(
    workshop, facilitator, django_capture_on_commit_callbacks
):
    later = starting_at(workshop, facilitator, in_minutes(60 * 24 * 30))
    enrol(later), enrol(later)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ClosingNotOpen) as refused:
        close_session(later.pk, user=facilitator, mark_unmarked_absent=True, early_reason="Why")

    assert "can be closed from" in refused.value.message
    assert local_moment(later, later.starts_at) in refused.value.message
    later.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_closing_opens_once_the_last_part_has_started(workshop, facilitator):
    two_days = starting_at(workshop, facilitator, an_hour_ago(), hours=3, days=2)
    first, last = session_parts(two_days)

    assert closing_opens_at(two_days) == last.starts_at
    with pytest.raises(ClosingNotOpen):
        close_session(two_days.pk, user=facilitator, mark_unmarked_absent=True)
    close_session(two_days.pk, user=facilitator, mark_unmarked_absent=True, now=last.starts_at)

    two_days.refresh_from_db()
    assert two_days.status == SessionStatus.DELIVERED
    assert first.starts_at < last.starts_at


@pytest.mark.django_db
def test_staff_close_early_only_with_a_reason_which_the_history_keeps(workshop, facilitator, staff):
    later = starting_at(workshop, facilitator, in_minutes(60 * 24 * 3))
    enrol(later)

    with pytest.raises(EarlyReasonRequired) as refused:
        close_session(later.pk, user=staff, mark_unmarked_absent=True, early_reason="  ")
    assert "give the reason" in refused.value.message

    close_session(
        later.pk,
        user=staff,
        mark_unmarked_absent=True,
        early_reason="The local  cancelled;\nrecorded as not held.",
    )

    later.refresh_from_db()
    assert later.status == SessionStatus.DELIVERED
    entry = ModelLogEntry.objects.for_instance(later).get(action="courses.session.close")
    assert entry.data["early_reason"] == "The local cancelled; recorded as not held."
    assert entry.user == staff
    assert "The local cancelled; recorded as not held." in entry.message
    assert "before its last part started" in entry.message


@pytest.mark.django_db
def test_the_windows_are_settings_in_minutes_or_as_a_timedelta(workshop, facilitator, settings):
    settings.EDUCATION_ATTENDANCE_OPENS_BEFORE = 30
    settings.EDUCATION_CLOSING_OPENS_AFTER_LAST_PART_STARTS = timedelta(hours=2)
    soon = starting_at(workshop, facilitator, in_minutes(45))
    member = enrol(soon)

    assert attendance_opens_at(soon) == soon.starts_at - timedelta(minutes=30)
    assert closing_opens_at(soon) == soon.starts_at + timedelta(hours=2)
    with pytest.raises(NotOpenYet):
        mark_attendance(soon.pk, {member.pk: (PRESENT, None)}, user=facilitator)
    with pytest.raises(ClosingNotOpen):
        close_session(soon.pk, user=facilitator, now=soon.starts_at + timedelta(minutes=90))

    settings.EDUCATION_ATTENDANCE_OPENS_BEFORE = "an hour"
    with pytest.raises(ImproperlyConfigured):
        attendance_opens_at(soon)


# The summary shown before closing


@pytest.mark.django_db
def test_the_summary_before_closing_names_each_outcome_and_changes_nothing(session, facilitator):
    here = enrol(session, participant__name="Ana Lima")
    short = enrol(session, participant__name="Bo Chen")
    nobody = enrol(session, participant__name="Cy Dorn")
    mark_attendance(
        session.pk, {here.pk: (PRESENT, None), short.pk: (PARTIAL, "2")}, user=facilitator
    )

    with pytest.raises(UnmarkedParticipants):
        preview_closing(session.pk, user=facilitator)
    preview = preview_closing(session.pk, user=facilitator, mark_unmarked_absent=True)

    assert (preview.completed, preview.not_completed, preview.unmarked) == (
        [here],
        [short],
        [nobody],
    )
    assert not preview.early
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Attendance.objects.count() == 2
    assert not ModelLogEntry.objects.for_instance(session).exists()


@pytest.mark.django_db
def test_the_summary_refuses_as_closing_would(workshop, facilitator, session):
    later = starting_at(workshop, facilitator, in_minutes(60 * 24 * 30))
    seen = roster_seen_now(session)
    enrol(session)

    with pytest.raises(ClosingNotOpen):
        preview_closing(later.pk, user=facilitator)
    with pytest.raises(RosterChanged):
        preview_closing(session.pk, user=facilitator, mark_unmarked_absent=True, expected=seen)


def roster_seen_now(session):
    enrollments = (
        session.enrollments.filter(status=EnrollmentStatus.CONFIRMED)
        .select_related("attendance")
        .prefetch_related("attendance_days")
    )
    return roster_state(session, enrollments)


# Attendance by day


@pytest.fixture
def two_days(workshop, facilitator):
    """Two parts of three hours, yesterday and today, both under way or over."""
    start = (timezone.now() - timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    return SessionFactory(
        workshop=workshop, start=start, hours=3, days=2, capacity=5, facilitators=[facilitator]
    )


def days_of(enrollment):
    return {
        day.part_id: (day.status, day.hours_attended)
        for day in AttendanceDay.objects.filter(enrollment=enrollment)
    }


@pytest.mark.django_db
def test_a_session_of_several_parts_is_marked_part_by_part(two_days, facilitator):
    ana, bo = enrol(two_days), enrol(two_days)
    first, second = session_parts(two_days)
    assert part_hours(two_days) == {first.pk: Decimal("3.00"), second.pk: Decimal("3.00")}

    changed = mark_attendance(
        two_days.pk,
        {ana.pk: (PRESENT, None), bo.pk: (PARTIAL, "1.5")},
        user=facilitator,
        part_id=first.pk,
    )

    assert {type(mark) for mark in changed} == {AttendanceDay}
    assert days_of(ana) == {first.pk: (PRESENT, Decimal("3.00"))}
    assert not Attendance.objects.exists()  # not every part is marked yet
    assert set(unmarked_enrollments(two_days)) == {ana, bo}

    mark_attendance(
        two_days.pk,
        {ana.pk: (PRESENT, None), bo.pk: (ABSENT, None)},
        user=facilitator,
        part_id=second.pk,
    )

    totals = {a.enrollment_id: (a.status, a.hours_attended) for a in Attendance.objects.all()}
    assert totals == {ana.pk: (PRESENT, Decimal("6.00")), bo.pk: (PARTIAL, Decimal("1.50"))}
    assert list(unmarked_enrollments(two_days)) == []
    logged = marks_logged(ana)
    assert [entry.data["part"] for entry in logged] == [first.pk, second.pk]
    day = two_days.local(first.starts_at).date().isoformat()
    assert logged[0].data["day"] == day
    assert logged[0].message == f"Marked Present (3.00 h), on {day}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("marks", "total"),
    [
        (((PRESENT, "3"), (PRESENT, "3")), (PRESENT, "6")),
        (((PRESENT, "3"), (ABSENT, "0")), (PARTIAL, "3")),
        (((PARTIAL, "3"), (PARTIAL, "3")), (PARTIAL, "6")),
        (((ABSENT, "0"), (ABSENT, "0")), (ABSENT, "0")),
        (((EXCUSED, "0"), (EXCUSED, "0")), (EXCUSED, "0")),
        (((ABSENT, "0"), (EXCUSED, "0")), (ABSENT, "0")),
        (((EXCUSED, "0"), (PARTIAL, "1")), (PARTIAL, "1")),
    ],
)
def test_the_whole_mark_is_derived_from_the_parts(marks, total):
    cleaned = [(status, Decimal(hours)) for status, hours in marks]

    assert derived_mark(cleaned) == (total[0], Decimal(total[1]))


@pytest.mark.django_db
def test_completion_counts_the_hours_across_the_days(two_days, facilitator):
    both_full, short = enrol(two_days), enrol(two_days)
    first, second = session_parts(two_days)
    for part in (first, second):
        mark_attendance(
            two_days.pk,
            {both_full.pk: (PARTIAL, "3"), short.pk: (PARTIAL, "2.5")},
            user=facilitator,
            part_id=part.pk,
        )

    result = close_session(two_days.pk, user=facilitator)

    assert [e.pk for e in result.completed] == [both_full.pk]
    assert [e.pk for e in result.not_completed] == [short.pk]
    assert Attendance.objects.get(enrollment=short).hours_attended == Decimal("5.00")


@pytest.mark.django_db
def test_a_mark_by_day_needs_a_day_of_the_session(two_days, facilitator, session):
    member = enrol(two_days)
    (other_part,) = session_parts(session)

    with pytest.raises(InvalidPart):
        mark_attendance(two_days.pk, {member.pk: (PRESENT, None)}, user=facilitator)
    with pytest.raises(InvalidPart):
        mark_attendance(
            two_days.pk, {member.pk: (PRESENT, None)}, user=facilitator, part_id=other_part.pk
        )
    with pytest.raises(InvalidPart):
        mark_attendance(two_days.pk, {member.pk: (PRESENT, None)}, user=facilitator, part_id="x")

    assert not AttendanceDay.objects.exists()


@pytest.mark.django_db
def test_the_hours_of_a_day_are_at_most_its_share(two_days, facilitator):
    member = enrol(two_days, participant__name="Ana Lima")
    first, _second = session_parts(two_days)

    with pytest.raises(InvalidMark) as refused:
        mark_attendance(
            two_days.pk, {member.pk: (PARTIAL, "4")}, user=facilitator, part_id=first.pk
        )

    assert refused.value.message == "Hours for Ana Lima must be between 0 and 3."


@pytest.mark.django_db
def test_a_later_part_opens_shortly_before_it_starts(workshop, facilitator):
    start = an_hour_ago()
    today_and_tomorrow = starting_at(workshop, facilitator, start, hours=3, days=2)
    member = enrol(today_and_tomorrow)
    _first, second = session_parts(today_and_tomorrow)

    with pytest.raises(NotOpenYet) as refused:
        mark_attendance(
            today_and_tomorrow.pk,
            {member.pk: (ABSENT, None)},
            user=facilitator,
            part_id=second.pk,
        )

    assert refused.value.opens_at == second.starts_at - timedelta(hours=1)
    assert "Day 2" in refused.value.message


@pytest.mark.django_db
def test_a_session_of_one_part_writes_no_attendance_by_day(session, facilitator):
    member = enrol(session)
    (part,) = session_parts(session)

    mark_attendance(session.pk, {member.pk: (PRESENT, None)}, user=facilitator, part_id=part.pk)
    add_walk_in(session.pk, name="Sam Walker", email="sam@example.org", user=facilitator)

    assert Attendance.objects.count() == 2
    assert not AttendanceDay.objects.exists()


@pytest.mark.django_db
def test_closing_marks_the_days_nobody_marked_absent(two_days, facilitator):
    half, nobody = enrol(two_days), enrol(two_days)
    first, second = session_parts(two_days)
    mark_attendance(two_days.pk, {half.pk: (PRESENT, None)}, user=facilitator, part_id=first.pk)

    with pytest.raises(UnmarkedParticipants) as refused:
        close_session(two_days.pk, user=facilitator)
    assert {e.pk for e in refused.value.enrollments} == {half.pk, nobody.pk}

    result = close_session(two_days.pk, user=facilitator, mark_unmarked_absent=True)

    assert days_of(half) == {
        first.pk: (PRESENT, Decimal("3.00")),
        second.pk: (ABSENT, Decimal("0.00")),
    }
    assert days_of(nobody) == {
        first.pk: (ABSENT, Decimal("0.00")),
        second.pk: (ABSENT, Decimal("0.00")),
    }
    totals = {a.enrollment_id: (a.status, a.hours_attended) for a in Attendance.objects.all()}
    assert totals == {half.pk: (PARTIAL, Decimal("3.00")), nobody.pk: (ABSENT, Decimal("0.00"))}
    assert result.completed == []


@pytest.mark.django_db
def test_a_walk_in_on_the_second_day_is_marked_present_that_day(two_days, facilitator):
    _first, second = session_parts(two_days)

    walk_in = add_walk_in(two_days.pk, name="Sam Walker", email="sam@example.org", user=facilitator)

    assert days_of(walk_in.enrollment) == {second.pk: (PRESENT, Decimal("3.00"))}
    assert not Attendance.objects.exists()
    assert list(unmarked_enrollments(two_days)) == [walk_in.enrollment]


@pytest.mark.django_db
def test_a_mark_on_another_day_since_the_roster_was_seen_stops_the_closing(
    two_days, facilitator, staff
):
    member = enrol(two_days)
    first, second = session_parts(two_days)
    for part in (first, second):
        mark_attendance(
            two_days.pk, {member.pk: (PRESENT, None)}, user=facilitator, part_id=part.pk
        )
    seen = roster_seen_now(two_days)
    assert set(seen) == {f"{member.pk}-{first.pk}", f"{member.pk}-{second.pk}"}
    mark_attendance(two_days.pk, {member.pk: (ABSENT, None)}, user=staff, part_id=first.pk)

    with pytest.raises(RosterChanged) as refused:
        close_session(two_days.pk, user=facilitator, expected=seen)

    assert [(c.enrollment.pk, c.kind) for c in refused.value.changes] == [(member.pk, "marked")]
    close_session(two_days.pk, user=facilitator, expected=roster_seen_now(two_days))
