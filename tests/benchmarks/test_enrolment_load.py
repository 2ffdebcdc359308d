"""Enrolment under parallel load: 200 members press "Confirm my place" for a 25-seat session.

Each member first asks to enrol (one by one, not measured), as the form does; then all of them
confirm from their links at once, which is where seats are allocated under the session lock.

The requests go over real HTTP to Django's threaded development server (the one behind
pytest-django's ``live_server``: one process, one thread and one database connection per
request), which runs in the benchmark's own process next to the client threads. The figures
are therefore those of a single Python process on this machine, not of a production server;
what they show is the cost of the session lock when every request wants the same row.

Each configuration runs in a fresh session with fresh members. Correctness is asserted
(exactly 25 confirmed and 175 waitlisted, every confirmation redirected to its result, no
5xx);
times are printed, never asserted.
"""

from collections import Counter

import pytest

from courses.choices import EnrollmentStatus
from tests.concurrency import (
    ON_POSTGRESQL,
    confirm_over_http,
    latency_summary,
    live_server_for_load,
    make_local,
    make_participants,
    make_session,
    seat_counts,
)
from tests.factories import WorkshopPageFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason=(
            "needs PostgreSQL: on SQLite the test database is one in-memory connection that "
            "the server's threads would share, so parallel requests cannot be measured"
        ),
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAPACITY = 25
REQUESTS = 200
#: Requests in flight at once: 1 is the baseline without contention; 50 keeps the server's
#: connections (one per request thread) well below PostgreSQL's max_connections of 100.
IN_FLIGHT = [1, 10, 50]
ROUNDS = 3


def test_enrolment_under_parallel_load(catalogue, report, no_rate_limits):
    workshop = WorkshopPageFactory(parent=catalogue)
    local = make_local()
    rows = []
    with live_server_for_load() as url:
        for in_flight in IN_FLIGHT:
            for round_number in range(1, ROUNDS + 1):
                session = make_session(workshop, CAPACITY)
                participants = make_participants(
                    REQUESTS, local, prefix=f"load-{in_flight}-{round_number}-"
                )

                run = confirm_over_http(url, session, participants, workers=in_flight)

                assert [outcome.error for outcome in run.errors] == []
                statuses = Counter(outcome.value.status for outcome in run.outcomes)
                assert not [status for status in statuses if status >= 500]
                assert statuses == {302: REQUESTS}
                seats = seat_counts(session)
                assert seats[EnrollmentStatus.CONFIRMED] == CAPACITY
                assert seats[EnrollmentStatus.WAITLISTED] == REQUESTS - CAPACITY

                latency = latency_summary([outcome.seconds for outcome in run.outcomes])
                rows.append(
                    [
                        in_flight,
                        round_number,
                        REQUESTS,
                        f"{run.wall_seconds:.2f}",
                        f"{REQUESTS / run.wall_seconds:.0f}",
                        f"{latency['p50']:.0f}",
                        f"{latency['p95']:.0f}",
                        f"{latency['p99']:.0f}",
                        f"{latency['max']:.0f}",
                        ", ".join(f"{n}×{status}" for status, n in sorted(statuses.items())),
                        f"{seats[EnrollmentStatus.CONFIRMED]}/{seats[EnrollmentStatus.WAITLISTED]}",
                    ]
                )

    report(
        f"Enrolment under parallel load: {REQUESTS} confirmations for {CAPACITY} seats",
        [
            "in flight",
            "round",
            "requests",
            "wall s",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "HTTP",
            "confirmed/waitlisted",
        ],
        rows,
    )
