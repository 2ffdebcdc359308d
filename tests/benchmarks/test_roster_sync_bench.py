"""What sending a phone's offline attendance costs, next to saving the same marks on the roster.

A room of 60 people is marked present twice: once by the roster's form (``action=mark``, one
status per row, as ``tests/facilitators/test_facilitate_views.py`` posts it), once by the sync
address (60 marks as JSON, each with its key and the time it was made on the phone). Each round
builds two fresh sessions of 60 confirmed enrolments (not timed), then times the two requests,
alternating which goes first so that the machine's load falls on both alike. Both go through
Django's test client, the whole middleware stack included; each request's database queries are
counted. Medians are printed, never asserted; the number of marks written is.
"""

import json
import statistics
import time
import uuid
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus
from courses.models import Attendance, Enrollment
from tests.concurrency import make_participants
from tests.factories import FacilitatorFactory, SessionFactory, WorkshopPageFactory

PEOPLE = 60
ROUNDS = 15


def session_of_sixty(workshop, facilitator, number):
    """A session that took place yesterday, with ``PEOPLE`` confirmed enrolments."""
    start = (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    session = SessionFactory(workshop=workshop, start=start, facilitators=[facilitator])
    people = make_participants(PEOPLE, prefix=f"round{number}-")
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            participant=person,
            session=session,
            status=EnrollmentStatus.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        for person in people
    )
    return session, enrollments


def form_save(client, session, enrollments):
    data = {"action": "mark"}
    for enrollment in enrollments:
        data[f"status-{enrollment.pk}"] = "present"
        data[f"hours-{enrollment.pk}"] = ""
    response = client.post(reverse("facilitators:roster", args=[session.pk]), data)
    assert response.status_code == 302
    return response


def sync(client, session, enrollments):
    when = (session.starts_at + timedelta(minutes=5)).isoformat()
    marks = [
        {
            "key": str(uuid.uuid4()),
            "enrollment": enrollment.pk,
            "part": None,
            "status": "present",
            "hours": None,
            "marked_at": when,
        }
        for enrollment in enrollments
    ]
    response = client.post(
        reverse("facilitators:roster_sync", args=[session.pk]),
        json.dumps({"marks": marks, "walk_ins": []}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {result["outcome"] for result in response.json()["results"]} == {"saved"}
    return response


def measured(send, client, session, enrollments):
    """``(seconds, queries)`` of one request."""
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        send(client, session, enrollments)
        seconds = time.perf_counter() - began
    assert Attendance.objects.filter(enrollment__session=session).count() == PEOPLE
    return seconds, len(queries)


@pytest.mark.django_db
def test_the_cost_of_syncing_sixty_marks(catalogue, report, no_rate_limits):
    workshop = WorkshopPageFactory(parent=catalogue)
    facilitator = FacilitatorFactory().user
    client = Client()
    client.force_login(facilitator)
    # Warm-up: the first request of each kind fills caches (content types, permissions).
    for send in (form_save, sync):
        measured(send, client, *session_of_sixty(workshop, facilitator, f"warm-{send.__name__}"))

    samples = {"form": [], "sync": []}
    queries = {"form": set(), "sync": set()}
    for number in range(ROUNDS):
        order = [("form", form_save), ("sync", sync)]
        if number % 2:
            order.reverse()
        for label, send in order:
            session, enrollments = session_of_sixty(workshop, facilitator, f"{number}-{label}")
            seconds, count = measured(send, client, session, enrollments)
            samples[label].append(seconds)
            queries[label].add(count)

    form_ms = statistics.median(samples["form"]) * 1000
    sync_ms = statistics.median(samples["sync"]) * 1000
    # The most any round took (every round takes the same, bar a cache filled on the way).
    form_queries, sync_queries = max(queries["form"]), max(queries["sync"])
    report(
        f"Marking {PEOPLE} people present: the roster's form against the offline sync, "
        f"median of {ROUNDS} each",
        ["request", "median ms", "ms per mark", "queries", "queries per mark"],
        [
            [
                "roster form (action=mark)",
                f"{form_ms:.1f}",
                f"{form_ms / PEOPLE:.2f}",
                form_queries,
                f"{form_queries / PEOPLE:.2f}",
            ],
            [
                "offline sync (JSON)",
                f"{sync_ms:.1f}",
                f"{sync_ms / PEOPLE:.2f}",
                sync_queries,
                f"{sync_queries / PEOPLE:.2f}",
            ],
            [
                "ratio sync / form",
                f"{sync_ms / form_ms:.2f}",
                "",
                f"{sync_queries / form_queries:.2f}",
                "",
            ],
        ],
    )
