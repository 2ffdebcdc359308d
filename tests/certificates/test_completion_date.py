"""The date a certificate says the workshop was completed on is the session's last day (the
date of its last part, where the session is held), never the day the session was closed: not
when it is closed days later, nor when the education staff close it early."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

import pytest

from certificates.models import Certificate
from courses.attendance.rules import close_session, mark_attendance, session_parts
from courses.choices import TimeZone
from courses.models import SessionPart
from tests.certificates.builders import PRESENT, days_ago, enrol
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def mark_every_part(session, enrollment, user):
    for part in session_parts(session):
        mark_attendance(
            session.pk,
            {enrollment.pk: (PRESENT, None)},
            user=user,
            part_id=part.pk if len(session_parts(session)) > 1 else None,
        )


def test_a_session_of_two_days_closed_later_is_completed_on_its_last_day(
    workshop, facilitator, django_capture_on_commit_callbacks
):
    two_days = SessionFactory(
        workshop=workshop, start=days_ago(5), hours=3, days=2, facilitators=[facilitator]
    )
    member = enrol(two_days, "Marie Tremblay", email="marie@example.org")
    mark_every_part(two_days, member, facilitator)
    _first, last = session_parts(two_days)

    with django_capture_on_commit_callbacks(execute=True):
        close_session(two_days.pk, user=facilitator)

    certificate = Certificate.objects.get(enrollment=member)
    last_day = two_days.local(last.starts_at).date()
    assert certificate.completed_on == last_day == two_days.last_day()
    assert certificate.completed_on != timezone.localdate()
    (issued,) = [
        m for m in mail.outbox if m.to == ["marie@example.org"] and "ertificate" in m.subject
    ]
    assert f"Completed on {date_format(last_day, 'DATE_FORMAT')}." in issued.body


def test_a_session_closed_early_by_staff_is_completed_on_its_last_day_not_today(
    workshop, facilitator, staff, settings, django_capture_on_commit_callbacks
):
    """Attendance opens four days ahead here, so that a member can be marked present in a
    session three days away, which the staff then close early."""
    settings.EDUCATION_ATTENDANCE_OPENS_BEFORE = timedelta(days=4)
    in_three_days = SessionFactory(
        workshop=workshop, start=days_ago(-3), facilitators=[facilitator]
    )
    member = enrol(in_three_days)
    mark_every_part(in_three_days, member, facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        close_session(
            in_three_days.pk,
            user=staff,
            early_reason="Held early with the local's agreement; the dates were entered wrong.",
        )

    certificate = Certificate.objects.get(enrollment=member)
    assert certificate.completed_on == in_three_days.last_day()
    assert certificate.completed_on == timezone.localdate() + timedelta(days=3)


def test_the_last_day_is_where_the_session_is_held(
    workshop, facilitator, django_capture_on_commit_callbacks
):
    """A Vancouver session that ends at 11 p.m. there ends the next day in Toronto: its
    certificates are dated the Vancouver day."""
    zone = TimeZone.PACIFIC
    session = SessionFactory(
        workshop=workshop, start=days_ago(3), time_zone=zone, facilitators=[facilitator]
    )
    vancouver = ZoneInfo(zone)
    day = (timezone.now() - timedelta(days=3)).astimezone(vancouver).date()
    start = datetime(day.year, day.month, day.day, 17, 0, tzinfo=vancouver)
    SessionPart.objects.filter(session=session).update(
        starts_at=start, ends_at=start + timedelta(hours=6)
    )
    session.refresh_from_db()
    session.save()
    member = enrol(session)
    mark_every_part(session, member, facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        close_session(session.pk, user=facilitator)

    assert Certificate.objects.get(enrollment=member).completed_on == day
