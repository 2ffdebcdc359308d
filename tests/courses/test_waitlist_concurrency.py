"""Nobody jumps the waitlist under real parallelism: seats freed at the same moment by
cancellations and by a higher capacity (saved as the admin's edit form saves it) go to the
people waiting, in order, while newcomers enrolling at that very moment join the queue behind
them. A control run without the session lock shows that the race is real.

The attempts run in threads with their own database connections (see ``tests.concurrency``),
so they collide in PostgreSQL as the requests of several server processes would.
"""

import time

from django.db import transaction

import pytest

import courses.sessions.enrollment
from courses.choices import EnrollmentStatus
from courses.models import Enrollment, Session
from courses.sessions import changes as session_changes
from courses.sessions.enrollment import cancel, enrol
from tests.concurrency import make_participants, make_session, needs_postgresql, run_in_parallel
from tests.factories import WorkshopPageFactory

pytestmark = [
    pytest.mark.postgres,
    needs_postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAPACITY = 10
WAITING = 10
CANCELLING = 5
RAISED_BY = 5
NEWCOMERS = 20
#: Threads at once: well below PostgreSQL's default of 100 connections.
WORKERS = 30


def raise_capacity(session_id, by):
    """What saving the admin's edit form with a higher capacity does, in one transaction."""
    with transaction.atomic():
        before = session_changes.capture(session_id)
        session = Session.objects.get(pk=session_id)
        session.capacity += by
        session.save()
        return session_changes.after_save(session_id, before)


@pytest.fixture
def scene(catalogue):
    """A full session with people waiting, all seated and queued through the rules."""
    session = make_session(WorkshopPageFactory(parent=catalogue), CAPACITY)
    seated = make_participants(CAPACITY, prefix="seated")
    waiting = make_participants(WAITING, prefix="waiting")
    newcomers = make_participants(NEWCOMERS, prefix="newcomer")
    seats = [enrol(session.pk, person.pk).enrollment for person in seated]
    queue = [enrol(session.pk, person.pk).enrollment for person in waiting]
    assert all(enrollment.status == EnrollmentStatus.WAITLISTED for enrollment in queue)
    return session, seats, queue, newcomers


def free_seats_while_newcomers_enrol(session, seats, newcomers):
    """Everything at once: cancellations, the capacity raised, newcomers enrolling."""
    actions = (
        [("cancel", enrollment.pk) for enrollment in seats[:CANCELLING]]
        + [("raise", RAISED_BY)]
        + [("enrol", person.pk) for person in newcomers]
    )

    def attempt(_state, action):
        kind, value = action
        if kind == "cancel":
            return cancel(value)
        if kind == "raise":
            return raise_capacity(session.pk, value)
        return enrol(session.pk, value)

    return run_in_parallel(attempt, actions, workers=WORKERS)


def outcome(session, queue, newcomers):
    session.refresh_from_db()
    statuses = dict(Enrollment.objects.filter(session=session).values_list("pk", "status"))
    newcomer_statuses = list(
        Enrollment.objects.filter(session=session, participant__in=newcomers).values_list(
            "status", flat=True
        )
    )
    return {
        "capacity": session.capacity,
        "confirmed": sum(1 for status in statuses.values() if status == "confirmed"),
        "queue": [statuses[enrollment.pk] for enrollment in queue],
        "newcomers seated": sum(1 for status in newcomer_statuses if status == "confirmed"),
    }


def is_fair(result):
    return (
        result["confirmed"] == result["capacity"]
        and result["queue"] == [EnrollmentStatus.CONFIRMED] * WAITING
        and result["newcomers seated"] == 0
    )


def test_freed_seats_go_to_the_people_waiting_and_never_to_a_newcomer(scene):
    session, seats, queue, newcomers = scene

    run = free_seats_while_newcomers_enrol(session, seats, newcomers)

    assert [outcome.error for outcome in run.errors] == []
    result = outcome(session, queue, newcomers)
    assert result == {
        "capacity": CAPACITY + RAISED_BY,
        "confirmed": CAPACITY + RAISED_BY,
        "queue": [EnrollmentStatus.CONFIRMED] * WAITING,
        "newcomers seated": 0,
    }
    # The newcomers queue behind, in the order they were given their places.
    waiting = Enrollment.objects.filter(
        session=session, status=EnrollmentStatus.WAITLISTED
    ).order_by("created_at", "pk")
    assert waiting.count() == NEWCOMERS
    assert {e.participant_id for e in waiting} == {person.pk for person in newcomers}


def test_without_the_session_lock_seats_are_given_unfairly(scene, monkeypatch):
    """The control: the same run with the lock turned off leaves the queue unfair.

    Without the lock, cancellations that run together each count one free seat and each
    give it to the same first person waiting (the one nobody has seated yet in their view of
    the database), so seats stay free while people wait, and newcomers counting at that moment
    take them; or the session is overbooked.

    The window between counting the seats taken and writing is a few milliseconds; on a busy
    machine the threads may happen to pass through it one after another. A pause after the
    count, in this control only, makes them overlap on every run, as they do under real load.
    """
    monkeypatch.setattr(courses.sessions.enrollment, "LOCK_SESSIONS", False)
    count_seats = courses.sessions.enrollment._seats_taken

    def count_then_pause(session):
        taken = count_seats(session)
        time.sleep(0.05)
        return taken

    monkeypatch.setattr(courses.sessions.enrollment, "_seats_taken", count_then_pause)
    session, seats, queue, newcomers = scene

    run = free_seats_while_newcomers_enrol(session, seats, newcomers)

    assert [outcome.error for outcome in run.errors] == []
    assert not is_fair(outcome(session, queue, newcomers))
