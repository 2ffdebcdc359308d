"""Real parallel enrolments, shared by the concurrency tests and the load benchmark.

Every attempt runs in a worker thread. Django gives each thread its own database connection, so
the attempts reach the database as separate clients, exactly as the requests of a production
server would; each worker closes its connection when it is done. The workers wait at a barrier
until all of them are ready and then start together, which makes them collide as much as they
can.

Only PostgreSQL can show this: on SQLite the test database lives in the memory of one
connection, which threads must not share, and writers are serialised by the file lock anyway.
"""

import html
import http.client
import re
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus
from courses.models import (
    Division,
    Enrollment,
    Local,
    Participant,
    PendingEnrollment,
    Sector,
    Session,
    SessionPart,
)
from courses.sessions.confirmation import ask_to_enrol, confirm_token

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

#: Skips a test that proves something only PostgreSQL's row locks can guarantee.
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason=(
        "needs PostgreSQL: row locks (SELECT ... FOR UPDATE) are what this test proves; "
        "set DATABASE_URL=postgres://... to run it"
    ),
)

#: How long a worker waits for the others at the starting line before the run is called off.
BARRIER_TIMEOUT = 60


def make_local(number="4400"):
    """A local that the enrolment form finds by its number."""
    division = Division.objects.create(name=f"Division of {number}", code=f"D{number}")
    sector = Sector.objects.create(name=f"Sector of {number}")
    return Local.objects.create(
        number=number, name=f"Local {number}", city="Hamilton", division=division, sector=sector
    )


def make_session(workshop, capacity, *, starts_in=timedelta(days=30)):
    """A scheduled one-day session of ``workshop``, open for enrolment."""
    starts_at = timezone.now() + starts_in
    session = Session(
        workshop=workshop,
        capacity=capacity,
        venue="Union hall",
        city="Hamilton",
        parts=[SessionPart(starts_at=starts_at, ends_at=starts_at + timedelta(hours=6))],
    )
    session.save()
    return session


def make_participants(count, local=None, *, prefix="member"):
    """``count`` members with distinct addresses (``prefix`` keeps batches apart), in one query."""
    return Participant.objects.bulk_create(
        Participant(name=f"Member {number}", email=f"{prefix}{number}@example.org", local=local)
        for number in range(count)
    )


@dataclass
class Outcome:
    """What one attempt returned or raised, and when it ran (``time.perf_counter`` seconds)."""

    argument: object
    value: object = None
    error: BaseException | None = None
    started: float = 0.0
    finished: float = 0.0

    @property
    def seconds(self):
        return self.finished - self.started


@dataclass
class Run:
    outcomes: list  # one Outcome per argument, in the order of the arguments
    wall_seconds: float  # from the start signal to the end of the last attempt

    @property
    def errors(self):
        return [outcome for outcome in self.outcomes if outcome.error is not None]


def run_in_parallel(attempt, arguments, *, workers, prepare=None):
    """Call ``attempt(state, argument)`` for every argument from ``workers`` threads at once.

    Each worker first calls ``prepare()`` (when given) for its own ``state``, such as a CSRF
    cookie, then waits for the others; once all are ready they take the arguments from a
    shared queue until none are left. An exception is recorded on its outcome, never raised.
    """
    arguments = list(arguments)
    outcomes = [Outcome(argument) for argument in arguments]
    workers = max(1, min(workers, len(arguments)))
    next_index = iter(range(len(outcomes)))
    take = threading.Lock()
    start = threading.Barrier(workers + 1, timeout=BARRIER_TIMEOUT)
    prepare_errors = []

    def work():
        state = None
        try:
            try:
                state = prepare() if prepare else None
            except Exception as error:  # noqa: BLE001 -- reported after the run
                prepare_errors.append(error)
            start.wait()
            if prepare_errors:
                return
            while True:
                with take:
                    index = next(next_index, None)
                if index is None:
                    return
                outcome = outcomes[index]
                outcome.started = time.perf_counter()
                try:
                    outcome.value = attempt(state, outcome.argument)
                except Exception as error:  # noqa: BLE001 -- asserted by the caller
                    outcome.error = error
                outcome.finished = time.perf_counter()
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"attempt-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall_seconds = time.perf_counter() - began
    if prepare_errors:
        raise prepare_errors[0]
    return Run(outcomes, wall_seconds)


# Enrolling over HTTP, as a browser does


class _ThreadedServer(ThreadedWSGIServer):
    # Django's development server queues at most 10 connections that it has not accepted yet;
    # when more arrive at once the kernel drops the rest, and their requests fail with
    # "connection reset" without reaching Django. Production servers queue far more (gunicorn:
    # 2048), so the load tests do too.
    request_queue_size = 256


class _ServerThread(LiveServerThread):
    server_class = _ThreadedServer


@contextmanager
def live_server_for_load():
    """Serve the site over HTTP while the block runs; yields the server's URL.

    This is the server behind pytest-django's ``live_server`` (Django's threaded development
    server: one process, a thread per request) with a deeper queue of waiting connections.
    Every request thread opens its own database connection and closes it when it is done.
    """
    thread = _ServerThread("localhost", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    location: str
    body: str


class EnrolmentBrowser:
    """A visitor of the live server with their own cookies, speaking plain HTTP/1.1.

    ``open_form()`` fetches the enrolment form for its CSRF cookie and token, which then serve
    for every ``submit()`` and ``confirm()``: Django's test client skips the CSRF check, a real
    request does not. Every request opens a connection of its own, like separate browsers.
    """

    def __init__(self, base_url, session_id):
        address = urlsplit(base_url)
        self.host, self.port = address.hostname, address.port
        self.path = reverse("courses:enrol", args=[session_id])
        self.cookies = SimpleCookie()
        self.csrf_token = None

    def request(self, method, body=None, path=None):
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(
                f"{name}={morsel.value}" for name, morsel in self.cookies.items()
            )
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path or self.path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return Response(response.status, response.getheader("Location", ""), text)
        finally:
            connection.close()

    def open_form(self):
        response = self.request("GET")
        match = _CSRF_FIELD.search(response.body)
        if response.status != 200 or match is None or "csrftoken" not in self.cookies:
            raise AssertionError(f"No enrolment form with a CSRF token: HTTP {response.status}")
        self.csrf_token = html.unescape(match.group(1))
        return self

    def submit(self, participant):
        return self.request(
            "POST",
            urlencode(
                {
                    "csrfmiddlewaretoken": self.csrf_token,
                    "name": participant.name,
                    "email": participant.email,
                    "local": participant.local.number,
                    "preferred_language": "en",
                }
            ),
        )

    def confirm(self, path, participant):
        """Press "Confirm my place" on the page of a confirmation link.

        Confirming signs the member in, which gives the browser a new CSRF token: a browser that
        confirms again first opens a page for it, as a real one would have.
        """
        if self.csrf_token is None:
            self.open_form()
        token, self.csrf_token = self.csrf_token, None
        return self.request(
            "POST",
            urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "name": participant.name,
                    "local": participant.local.number,
                    "preferred_language": "en",
                }
            ),
            path=path,
        )


def enrol_over_http(base_url, session, participants, *, workers):
    """Every participant POSTs the enrolment form; ``workers`` requests are in flight at once."""
    return run_in_parallel(
        lambda browser, participant: browser.submit(participant),
        participants,
        workers=workers,
        prepare=lambda: EnrolmentBrowser(base_url, session.pk).open_form(),
    )


def ask_for_everyone(session, participants):
    """Ask to enrol each participant, as the form does; ``{participant pk: confirmation link
    path}``, the links their emails carry."""
    links = {}
    for participant in participants:
        ask_to_enrol(
            session.pk,
            email=participant.email,
            name=participant.name,
            local=participant.local,
        )
        pending = PendingEnrollment.objects.get(session=session, email=participant.email)
        links[participant.pk] = reverse("courses:confirm_enrolment", args=[confirm_token(pending)])
    return links


def confirm_over_http(base_url, session, participants, *, workers):
    """Every participant presses "Confirm my place" on their link's page, ``workers`` at once
    (the requests to enrol were made first, one by one)."""
    links = ask_for_everyone(session, participants)
    return run_in_parallel(
        lambda browser, participant: browser.confirm(links[participant.pk], participant),
        participants,
        workers=workers,
        prepare=lambda: EnrolmentBrowser(base_url, session.pk).open_form(),
    )


# What a run left in the database


def seat_counts(session):
    """``{status: number of enrolments}`` for the session."""
    counts = dict.fromkeys(EnrollmentStatus.values, 0)
    for status in Enrollment.objects.filter(session=session).values_list("status", flat=True):
        counts[status] += 1
    return counts


def latency_summary(seconds):
    """p50, p95 and p99 of a list of durations, and the slowest, in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "max": max(seconds) * 1000,
    }
