"""Small builders shared by the certificates tests."""

from datetime import timedelta

from django.utils import timezone

from courses.choices import AttendanceStatus
from tests.factories import EnrollmentFactory, ParticipantFactory

PRESENT, PARTIAL = AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL
ABSENT = AttendanceStatus.ABSENT


def days_ago(days):
    """2 p.m. ``days`` days ago, in the site's time zone (aware)."""
    return (timezone.localtime() - timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )


def enrol(session, name=None, **participant):
    """A confirmed enrolment of a new participant (named ``name``) in ``session``."""
    if name:
        participant["name"] = name
    return EnrollmentFactory(session=session, participant=ParticipantFactory(**participant))
