"""The demo's past sessions have their attendance marked; today's is left for the facilitator."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import pytest

from courses.attendance.rules import can_take_attendance
from courses.choices import AttendanceStatus, EnrollmentStatus, SessionStatus
from courses.models import Attendance, Enrollment, Session


@pytest.fixture
def demo(demo_once, db):
    return demo_once


def past_sessions():
    """Sessions of the days before today (today's may have ended already, and stays open)."""
    return Session.objects.filter(starts_at__date__lt=timezone.localdate())


@pytest.mark.django_db
def test_everyone_confirmed_in_a_past_session_is_marked(demo):
    sessions = past_sessions()

    assert sessions.exists()
    for session in sessions:
        # Closed by the demo, so that its certificates exist.
        assert session.status == SessionStatus.DELIVERED
        confirmed = session.enrollments.filter(status=EnrollmentStatus.CONFIRMED)
        assert not confirmed.filter(attendance__isnull=True).exists(), session
        for attendance in Attendance.objects.filter(enrollment__session=session):
            assert can_take_attendance(attendance.marked_by, session)


@pytest.mark.django_db
def test_the_demo_member_was_present_at_every_past_session(demo):
    enrolments = Enrollment.objects.filter(
        participant__email__iexact="member@example.org",
        session__in=past_sessions(),
        status=EnrollmentStatus.CONFIRMED,
    )

    assert enrolments.count() >= 2
    assert {enrolment.attendance.status for enrolment in enrolments} == {AttendanceStatus.PRESENT}


@pytest.mark.django_db
def test_the_past_sessions_have_a_mix_of_marks(demo):
    statuses = set(Attendance.objects.values_list("status", flat=True))
    partial = Attendance.objects.filter(status=AttendanceStatus.PARTIAL)

    assert statuses == set(AttendanceStatus.values)
    assert Attendance.objects.filter(status=AttendanceStatus.PRESENT).count() > partial.count()
    assert all(0 < attendance.hours_attended < 6 for attendance in partial)


@pytest.mark.django_db
def test_todays_session_is_open_and_unmarked_for_the_demo_facilitator(demo):
    today = timezone.localdate()
    session = Session.objects.get(starts_at__date=today, facilitators__username="facilitator")

    assert session.status == SessionStatus.SCHEDULED
    assert session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).exists()
    assert not Attendance.objects.filter(enrollment__session=session).exists()
    assert can_take_attendance(get_user_model().objects.get(username="facilitator"), session)


@pytest.mark.django_db
def test_loading_again_marks_nothing_more(demo):
    marks = list(Attendance.objects.order_by("pk").values_list("pk", "status", "hours_attended"))

    call_command("load_demo", stdout=StringIO())

    assert (
        list(Attendance.objects.order_by("pk").values_list("pk", "status", "hours_attended"))
        == marks
    )
