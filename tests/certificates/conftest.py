"""Fixtures of the certificates tests: a workshop, last week's session of it with its
facilitator, and closing a session the way a facilitator does."""

import pytest

from courses.attendance.rules import close_session, mark_attendance
from tests.certificates.builders import days_ago
from tests.factories import SessionFactory, WorkshopPageFactory


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning", slug="strategic-planning", duration_hours=6
    )


@pytest.fixture
def session(workshop, facilitator):
    """Last week's session of the workshop, facilitated by Jordan Lee (``facilitator``)."""
    facilitator.first_name, facilitator.last_name = "Jordan", "Lee"
    facilitator.save(update_fields=["first_name", "last_name"])
    return SessionFactory(workshop=workshop, start=days_ago(7), facilitators=[facilitator])


@pytest.fixture
def close(django_capture_on_commit_callbacks):
    """``close(session, {enrollment: status or (status, hours)}, user)``: mark the attendance
    and close the session (unmarked people absent), then run what waited for the commit: the
    ``session_closed`` signal, and the renders and emails it queues."""

    def close_with(session, marks, user):
        mark_attendance(
            session.pk,
            {
                enrollment.pk: mark if isinstance(mark, tuple) else (mark, None)
                for enrollment, mark in marks.items()
            },
            user=user,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return close_session(session.pk, user=user, mark_unmarked_absent=True)

    return close_with
