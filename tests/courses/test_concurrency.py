"""Seats under real parallelism: many members enrol in the same session at the same moment.

The attempts run in threads with their own database connections (see ``tests.concurrency``),
so they collide in PostgreSQL exactly as the requests of several server processes would. The
session row lock in ``courses.sessions.enrollment`` must hand out exactly ``capacity`` seats and put
everyone else on the waitlist in order; a control run without the lock shows that the race it
prevents is real.
"""

from collections import Counter

from django.core import mail

import pytest

import courses.sessions.enrollment
from courses.choices import EnrollmentStatus
from courses.models import Enrollment, PendingEnrollment
from courses.sessions.enrollment import enrol, waitlist_position
from tests.concurrency import (
    confirm_over_http,
    live_server_for_load,
    make_local,
    make_participants,
    make_session,
    needs_postgresql,
    run_in_parallel,
    seat_counts,
)
from tests.factories import WorkshopPageFactory

pytestmark = [
    pytest.mark.postgres,
    needs_postgresql,
    # Committed data, so that every thread's connection sees it; the flush after each test
    # removes the migrated content (Wagtail's root page, the groups), which is restored first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAPACITY = 25
ATTEMPTS = 200
WAITING = ATTEMPTS - CAPACITY
#: Threads enrolling at once. Each holds a connection: stay well below PostgreSQL's default
#: max_connections of 100, which the other connections of a test run share.
WORKERS = 40


@pytest.fixture
def session(catalogue):
    return make_session(WorkshopPageFactory(parent=catalogue), CAPACITY)


@pytest.fixture
def participants(db):
    return make_participants(ATTEMPTS)


def enrol_everyone(session, participants):
    return run_in_parallel(
        lambda _state, participant: enrol(session.pk, participant.pk),
        participants,
        workers=WORKERS,
    )


def test_parallel_enrolments_fill_exactly_the_capacity_and_queue_the_rest(session, participants):
    run = enrol_everyone(session, participants)

    assert [outcome.error for outcome in run.errors] == []
    assert sum(outcome.value.confirmed for outcome in run.outcomes) == CAPACITY
    assert seat_counts(session) == {
        EnrollmentStatus.CONFIRMED: CAPACITY,
        EnrollmentStatus.OFFERED: 0,
        EnrollmentStatus.WAITLISTED: WAITING,
        EnrollmentStatus.CANCELLED: 0,
    }
    per_participant = Counter(
        Enrollment.objects.filter(session=session).values_list("participant_id", flat=True)
    )
    assert set(per_participant) == {participant.pk for participant in participants}
    assert set(per_participant.values()) == {1}
    waiting = Enrollment.objects.filter(
        session=session, status=EnrollmentStatus.WAITLISTED
    ).order_by("created_at", "pk")
    assert [waitlist_position(enrollment) for enrollment in waiting] == list(range(1, WAITING + 1))

    # Each member got the email for their outcome, sent by the thread that enrolled them.
    subjects = Counter(message.subject.split(":")[0] for message in mail.outbox)
    assert subjects == {
        "You are enrolled": CAPACITY,
        "You are on the waitlist": WAITING,
    }


def test_parallel_enrolments_are_first_come_first_served(session, participants):
    """Seats go to the first to arrive, and each waitlisted member is told the place they hold.

    An enrolment's ``created_at`` is its place in the queue, so it must be taken once the
    session is locked: a time taken before waiting for the lock can be earlier than that of an
    enrolment which got the lock first.
    """
    run = enrol_everyone(session, participants)

    assert [outcome.error for outcome in run.errors] == []
    in_order = list(Enrollment.objects.filter(session=session).order_by("created_at", "pk"))
    statuses = [enrollment.status for enrollment in in_order]
    assert (
        statuses
        == [EnrollmentStatus.CONFIRMED] * CAPACITY + [EnrollmentStatus.WAITLISTED] * WAITING
    )
    told = {outcome.value.enrollment.pk: outcome.value.position for outcome in run.outcomes}
    assert [told[enrollment.pk] for enrollment in in_order[CAPACITY:]] == list(
        range(1, WAITING + 1)
    )


def test_without_the_session_lock_parallel_enrolments_overbook(session, participants, monkeypatch):
    """The control: the same run with the lock turned off hands out more seats than exist.

    Without the lock every attempt counts the confirmed seats and then inserts its enrolment;
    the attempts released together all count before the first of them commits, so each sees a
    free seat. (This happens on every run, with nothing slowed down: no pause needs to widen
    the window between the count and the insert.)
    """
    monkeypatch.setattr(courses.sessions.enrollment, "LOCK_SESSIONS", False)

    run = enrol_everyone(session, participants)

    assert [outcome.error for outcome in run.errors] == []
    assert seat_counts(session)[EnrollmentStatus.CONFIRMED] > CAPACITY


HTTP_CAPACITY = 10
HTTP_ATTEMPTS = 60
#: Requests in flight at once. The server answers each in a thread with its own database
#: connection, so this too stays well below max_connections.
HTTP_WORKERS = 50


@pytest.fixture
def server_url(db, no_rate_limits):
    with live_server_for_load() as url:
        yield url


def test_parallel_confirmations_fill_exactly_the_free_seats(server_url, catalogue):
    session = make_session(WorkshopPageFactory(parent=catalogue), HTTP_CAPACITY)
    participants = make_participants(HTTP_ATTEMPTS, local=make_local())

    run = confirm_over_http(server_url, session, participants, workers=HTTP_WORKERS)

    assert [outcome.error for outcome in run.errors] == []
    statuses = Counter(outcome.value.status for outcome in run.outcomes)
    assert statuses == {302: HTTP_ATTEMPTS}, "every confirmation redirects to its result page"
    assert {outcome.value.location for outcome in run.outcomes} == {
        f"/en/sessions/{session.pk}/enrol/done/"
    }
    assert seat_counts(session) == {
        EnrollmentStatus.CONFIRMED: HTTP_CAPACITY,
        EnrollmentStatus.OFFERED: 0,
        EnrollmentStatus.WAITLISTED: HTTP_ATTEMPTS - HTTP_CAPACITY,
        EnrollmentStatus.CANCELLED: 0,
    }
    enrolled = Enrollment.objects.filter(session=session).values_list("participant_id", flat=True)
    assert sorted(enrolled) == sorted(participant.pk for participant in participants)
    assert not PendingEnrollment.objects.filter(session=session).exists()
