"""Bounded load on the production stack, over the loopback only: ``make load``.

Starts the stack of ``education.stack`` (gunicorn and task workers on PostgreSQL and Redis, with
the demo) on a fresh database, then runs three phases, each with a fixed number of requests and
a time limit, and prints throughput, latency percentiles and errors as a Markdown table:

1. catalogue: the catalogue and every workshop page, in turn, twice: rendered for every request
   (each address with a query string of its own, which the public pages' cache never keeps),
   then as visitors get them (served from the cache until something they show changes);
2. enrol storm: 200 people, each of whom asked to enrol and got the emailed link, press "Confirm
   my place" at the same moment in one session of 25 seats; afterwards the database must hold
   exactly 25 confirmed and 175 waitlisted, and no answer may be a 5xx. Measured too: how long
   after each answer its email was written (p50/p95/max), and how long after the storm the
   task queue took to empty;
3. certificate downloads: staff download the certificates of a closed session again and again.

The figures are copied into tests/benchmarks/RESULTS.md with the machine they ran on.
"""

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import requests

from education.stack import Stack, create_database, drop_database
from tests.stack.helpers import (
    PASSWORD,
    body,
    certificates_of,
    csrf_post,
    free_port,
    make_session,
    query,
    sign_in_facilitator,
    start_session,
    take_attendance_and_close,
    tasks_left,
    wait_for,
)

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass
class Phase:
    name: str
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0
    duration: float = 0.0

    @property
    def count(self):
        return len(self.latencies)

    @property
    def server_errors(self):
        return sum(n for status, n in self.statuses.items() if status >= 500) + self.failures

    @property
    def throughput(self):
        return self.count / self.duration if self.duration else 0.0

    def percentile(self, p):
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def row(self):
        ms = [f"{1000 * self.percentile(p):.0f}" for p in (50, 95, 99)]
        ms.append(f"{1000 * max(self.latencies, default=0):.0f}")
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return [
            self.name,
            str(self.count),
            f"{self.duration:.1f}",
            f"{self.throughput:.1f}",
            *ms,
            str(self.server_errors),
            statuses,
        ]


def run_phase(name, requests_to_make, concurrency, time_limit, sessions=None):
    """Run each callable of ``requests_to_make`` (taking a requests.Session, returning a
    response) on ``concurrency`` threads; stop starting new ones after ``time_limit`` s."""
    phase = Phase(name)
    local = threading.local()
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def one(index_and_call):
        index, call = index_and_call
        if time.monotonic() > deadline:
            return
        if sessions is not None:
            client = sessions[index]
        else:
            client = getattr(local, "client", None) or requests.Session()
            local.client = client
        started = time.perf_counter()
        try:
            response = call(client)
        except requests.RequestException:
            with lock:
                phase.failures += 1
            return
        elapsed = time.perf_counter() - started
        with lock:
            phase.latencies.append(elapsed)
            phase.statuses[response.status_code] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, enumerate(requests_to_make)))
    phase.duration = time.monotonic() - started
    return phase


def catalogue_phase(stack, total, concurrency, time_limit, rendered_each_time=False):
    paths = ["/en/workshops/"] + [
        f"/en/workshops/{slug}/"
        for (slug,) in query(
            stack,
            "SELECT p.slug FROM wagtailcore_page p JOIN courses_workshoppage w "
            "ON w.page_ptr_id = p.id JOIN wagtailcore_locale l ON l.id = p.locale_id "
            "WHERE p.live AND l.language_code = 'en' ORDER BY p.path",
        )
    ]

    def visit(path):
        return lambda client: client.get(stack.url + path, timeout=60)

    if rendered_each_time:
        calls = [visit(f"{paths[n % len(paths)]}?request={n}") for n in range(total)]
        name = "catalogue and workshop pages, rendered each time"
    else:
        calls = [visit(paths[n % len(paths)]) for n in range(total)]
        name = "catalogue and workshop pages, as visitors get them"
    return run_phase(name, calls, concurrency, time_limit)


class MailWatcher:
    """Notes when each email first appears in the stack's mail folder (looked at every 50 ms),
    as ``{address: [times]}`` in order of arrival."""

    def __init__(self, mail_dir):
        self.mail_dir = Path(mail_dir)
        self.arrivals = {}
        self.seen = set()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not self.stopping.is_set():
            now = time.time()
            for path in self.mail_dir.glob("*.log"):
                for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                    if not chunk.strip():
                        continue
                    message = message_from_bytes(chunk.lstrip())
                    key = message["Message-ID"]
                    if key and key not in self.seen:
                        self.seen.add(key)
                        self.arrivals.setdefault(message["To"] or "", []).append(now)
            self.stopping.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


def queue_drain_seconds(stack, since, timeout=300):
    """Seconds from ``since`` until no task is waiting or running."""
    deadline = time.time() + timeout
    while tasks_left(stack) and time.time() < deadline:
        time.sleep(0.1)
    return time.time() - since


def enrol_storm_phase(stack, people, seats, time_limit):
    """``people`` ask to enrol (not measured), then all press "Confirm my place" at once.

    Each person comes from an address of their own, given to the stack as a proxy would
    (``X-Forwarded-For``), so that the per-client rate limits count them apart as they would
    count real members.
    """
    session_id = make_session(stack, capacity=seats)
    url = f"{stack.url}/en/sessions/{session_id}/enrol/"
    clients, tokens, addresses = [], [], {}
    for n in range(people):
        client = requests.Session()
        client.headers["X-Forwarded-For"] = f"10.{n // 250}.{n % 250}.{1 + n % 7}"
        email = f"storm{n}-{session_id}@example.org"
        response = csrf_post(
            client,
            url,
            {"name": f"Storm {n}", "email": email, "local": "3247", "preferred_language": "en"},
        )
        response.raise_for_status()
        clients.append(client)
        addresses[email] = n
    links = wait_for(lambda: confirmation_links(stack, addresses), "every confirmation email")
    # Each opens their link (not measured): the page with the "Confirm my place" button.
    for n, client in enumerate(clients):
        page = client.get(stack.url + links[n], timeout=60)
        page.raise_for_status()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1])
    barrier = threading.Barrier(people)
    answered = {}
    emails = {number: email for email, number in addresses.items()}

    def confirm(n):
        def call(client):
            barrier.wait()
            response = client.post(
                stack.url + links[n],
                data={
                    "csrfmiddlewaretoken": tokens[n],
                    "name": f"Storm {n}",
                    "local": "3247",
                    "preferred_language": "en",
                },
                headers={"Referer": stack.url + links[n]},
                timeout=120,
                allow_redirects=False,
            )
            answered[n] = time.time()
            return response

        return call

    with MailWatcher(stack.mail_dir) as watcher:
        phase = run_phase(
            f"enrol storm: {people} people confirm at once, {seats} seats",
            [confirm(n) for n in range(people)],
            people,
            time_limit,
            sessions=clients,
        )
        phase.drain = queue_drain_seconds(stack, since=time.time())
        # Each person's second email (the first held the link) says they have a place or
        # are waiting for one.
        wait_for(
            lambda: all(len(watcher.arrivals.get(emails[n], [])) >= 2 for n in answered) or None,
            "every enrolment email",
        )
    phase.email_delays = sorted(watcher.arrivals[emails[n]][1] - answered[n] for n in answered)
    counts = dict(
        query(
            stack,
            "SELECT status, count(*) FROM courses_enrollment WHERE session_id = %s GROUP BY status",
            [session_id],
        )
    )
    return phase, counts


def confirmation_links(stack, addresses):
    """``{person's number: confirmation link path}`` once every address has its email."""
    links = {}
    for path in Path(stack.mail_dir).glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk.lstrip())
            number = addresses.get(message["To"] or "")
            match = re.search(
                r"http://[^/\s]+((?:/[a-z]{2})?/enrolments/confirm/\S+/)", body(message)
            )
            if number is not None and match:
                links[number] = match.group(1)
    return links if len(links) == len(addresses) else None


def download_phase(stack, holders, total, concurrency, time_limit):
    session_id = make_session(stack, participants=holders)
    start_session(stack, session_id)
    facilitator = sign_in_facilitator(stack.url)
    take_attendance_and_close(facilitator, stack.url, session_id)

    def rendered():
        rows = certificates_of(stack, session_id)
        return rows if len(rows) == holders and all(pdf for _, pdf, _ in rows) else None

    rows = wait_for(rendered, "every certificate to be rendered", timeout=600)
    staff = requests.Session()
    csrf_post(staff, f"{stack.url}/admin/login/", {"username": "staff", "password": PASSWORD})
    paths = [f"/en/certificates/{code}/pdf/" for code, _, _ in rows]
    cookies = staff.cookies.get_dict()

    def download(path):
        def call(client):
            client.cookies.update(cookies)
            return client.get(stack.url + path, timeout=60)

        return call

    calls = [download(paths[n % len(paths)]) for n in range(total)]
    return run_phase("certificate downloads", calls, concurrency, time_limit)


def machine():
    cores = len(os.sched_getaffinity(0))
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    server = query_version()
    return (
        f"{cores} cores (load average before the run {load}), {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, {server}"
    )


def query_version():
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres") as connection:
        return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web-processes", type=int, default=4)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=600, help="catalogue requests")
    parser.add_argument("--downloads", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=120, help="seconds per phase")
    options = parser.parse_args(argv)

    name = f"union_education_load_{uuid.uuid4().hex[:8]}"
    create_database(PG_SERVER, name)
    description = machine()
    stack = Stack(
        database_url=f"{PG_SERVER}/{name}",
        redis_url="redis://127.0.0.1:6379/14",
        state_dir=tempfile.mkdtemp(prefix="union-education-load-"),
        web_ports=(free_port(),),
        web_processes=options.web_processes,
        task_workers=options.task_workers,
        clock=False,
        # As behind the proxy of a real deployment, so that each simulated person has an
        # address of their own for the rate limits.
        environment={"EDUCATION_PROXY_COUNT": "1"},
    )
    try:
        print("Preparing the stack (migrate, static files, demo) ...", flush=True)
        stack.prepare()
        stack.start()
        # Warm every process once, so that start-up is not counted.
        run_phase(
            "warm-up", [lambda c: c.get(stack.url + "/en/workshops/", timeout=60)] * 20, 4, 60
        )

        rendered = catalogue_phase(
            stack, options.requests, options.concurrency, options.time_limit, True
        )
        catalogue = catalogue_phase(
            stack, options.requests, options.concurrency, options.time_limit
        )
        storm, counts = enrol_storm_phase(stack, 200, 25, options.time_limit)
        downloads = download_phase(
            stack, 40, options.downloads, options.concurrency, options.time_limit
        )
    finally:
        stack.stop()
        drop_database(PG_SERVER, name)

    columns = [
        "phase",
        "requests",
        "seconds",
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "5xx or failed",
        "statuses",
    ]
    phases = (rendered, catalogue, storm, downloads)
    rows = [phase.row() for phase in phases]
    print(f"\n{description}")
    print(
        f"gunicorn: {options.web_processes} processes; task workers: {options.task_workers}; "
        f"client threads: {options.concurrency} (the storm: 200)\n"
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    ratio = catalogue.throughput / rendered.throughput if rendered.throughput else 0
    print(
        f"\nCatalogue and workshop pages, as visitors get them / rendered each time: {ratio:.2f}."
    )
    delays = storm.email_delays
    print(
        f"Enrol storm: {counts}. Email written after the answer: p50 "
        f"{statistics.median(delays):.2f} s, p95 {statistics.quantiles(delays, n=100)[94]:.2f} s, "
        f"max {max(delays):.2f} s; task queue empty {storm.drain:.1f} s after the storm."
    )
    ok = (
        counts.get("confirmed") == 25
        and counts.get("waitlisted") == 175
        and all(phase.server_errors == 0 for phase in phases)
    )
    print("No 5xx, no overbooking." if ok else "FAILED: errors or overbooking, see above.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
