"""The reminder emails sent by ``manage.py send_session_reminders`` before sessions start."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.management.commands.send_session_reminders import claim
from tests.factories import (
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)


def in_days(days):
    return timezone.now() + timedelta(days=days)


def remind(django_capture_on_commit_callbacks, *args):
    """Run the command; return what it printed and the emails it sent."""
    sent_before = len(mail.outbox)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", *args, stdout=out)
    return out.getvalue().strip(), mail.outbox[sent_before:]


def enrolled(session, email, **kwargs):
    return EnrollmentFactory(session=session, participant=ParticipantFactory(email=email), **kwargs)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Elections Matter")


@pytest.fixture
def soon(workshop):
    """A session in two days, with two confirmed members and some who get no reminder."""
    session = SessionFactory(workshop=workshop, start=in_days(2))
    enrolled(session, "ana@example.org")
    enrolled(session, "ben@example.org")
    enrolled(session, "waiting@example.org", status=EnrollmentStatus.WAITLISTED)
    enrolled(session, "left@example.org", status=EnrollmentStatus.CANCELLED)
    enrolled(session, "reminded@example.org", reminder_sent_at=in_days(-1))
    return session


@pytest.mark.django_db
def test_confirmed_members_are_reminded_once(soon, django_capture_on_commit_callbacks):
    printed, sent = remind(django_capture_on_commit_callbacks)

    assert printed == "Sent 2 reminder(s)."
    assert sorted(message.to[0] for message in sent) == ["ana@example.org", "ben@example.org"]
    assert {message.subject for message in sent} == {"Reminder: Elections Matter"}
    assert all(message.attachments for message in sent)  # the calendar file
    assert soon.enrollments.filter(reminder_sent_at__isnull=False).count() == 3

    printed_again, sent_again = remind(django_capture_on_commit_callbacks)

    assert printed_again == "Sent 0 reminder(s)."
    assert sent_again == []


@pytest.mark.django_db
def test_sessions_outside_the_window_or_not_scheduled_are_left_alone(
    workshop, django_capture_on_commit_callbacks
):
    enrolled(SessionFactory(workshop=workshop, start=in_days(5)), "later@example.org")
    enrolled(
        SessionFactory(workshop=workshop, start=timezone.now() - timedelta(hours=1)),
        "started@example.org",
    )
    enrolled(
        SessionFactory(workshop=workshop, start=in_days(1), status=SessionStatus.CANCELLED),
        "cancelled@example.org",
        status=EnrollmentStatus.CANCELLED,
    )
    enrolled(
        SessionFactory(workshop=workshop, start=in_days(1), status=SessionStatus.CANCELLED),
        "still-confirmed@example.org",
    )

    printed, sent = remind(django_capture_on_commit_callbacks)

    assert printed == "Sent 0 reminder(s)."
    assert sent == []


@pytest.mark.django_db
def test_a_wider_window_reaches_later_sessions(workshop, django_capture_on_commit_callbacks):
    enrolled(SessionFactory(workshop=workshop, start=in_days(5)), "later@example.org")
    enrolled(SessionFactory(workshop=workshop, start=in_days(9)), "much-later@example.org")

    printed, sent = remind(django_capture_on_commit_callbacks, "--days", "7")

    assert printed == "Sent 1 reminder(s)."
    assert [message.to for message in sent] == [["later@example.org"]]


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["0", "-2", "abc", ""])
def test_a_bad_number_of_days_is_refused(days):
    with pytest.raises(CommandError):
        call_command("send_session_reminders", "--days", days, stdout=StringIO())


@pytest.mark.django_db
def test_an_enrolment_claimed_by_another_run_is_not_reminded_again(
    soon, django_capture_on_commit_callbacks
):
    enrollment = soon.enrollments.get(participant__email="ana@example.org")
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        first, second = claim(enrollment.pk, now), claim(enrollment.pk, now)

    assert (first, second) == (True, False)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    enrollment.refresh_from_db()
    assert enrollment.reminder_sent_at == now
