"""Bounded load on the production stack, over the loopback only: ``make load``.

Starts the stack of ``education.stack`` (gunicorn and task workers on PostgreSQL and Redis, with
the demo) on a fresh database, then runs four phases, each with a fixed number of requests and
a time limit, and prints throughput, latency percentiles and errors as a Markdown table:

1. catalogue: the catalogue and every workshop page, in turn, twice: rendered for every request
   (each address with a query string of its own, which the public pages' cache never keeps),
   then as visitors get them (served from the cache until something they show changes; each
   page read once before, not measured, as on any day but the first). A
   light client asks for them (asyncio over plain sockets), so that the client takes little
   of the cores it shares with the stack;
2. enrolments: 400 people, each of whom asked to enrol and got the emailed link, press "Confirm
   my place", 50 at a time, spread over 20 sessions with room for all;
3. enrol storm: 200 people press "Confirm my place" at the same moment in one session of 25
   seats; afterwards the database must hold exactly 25 confirmed and 175 waitlisted, and no
   answer may be a 5xx. Measured too, for both enrolment phases: how long after each answer its
   email was written (p50/p95/max), and how long after the last answer the task queue took to
   empty;
4. certificate downloads: staff download the certificates of a closed session again and again.

The figures are copied into tests/benchmarks/RESULTS.md with the machine they ran on.
"""

import argparse
import asyncio
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
from urllib.parse import urlsplit

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


async def _get(host, port, path, timeout):
    """GET ``path`` over a connection of its own, as lightly as a client can: the status."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    return int(answer.split(b" ", 2)[1])


def run_light_phase(name, url, paths, concurrency, time_limit, timeout=60):
    """GET each of ``paths`` from ``concurrency`` connections at a time, with a client that
    costs the shared cores little (asyncio and plain sockets, one process): the requests
    library on 50 threads takes a large share of two cores and measures itself."""
    parsed = urlsplit(url)
    phase = Phase(name)

    async def main():
        queue = list(reversed(paths))
        deadline = time.monotonic() + time_limit

        async def worker():
            while queue and time.monotonic() < deadline:
                path = queue.pop()
                started = time.perf_counter()
                try:
                    status = await _get(parsed.hostname, parsed.port, path, timeout)
                except (OSError, IndexError, ValueError):
                    phase.failures += 1
                    continue
                phase.latencies.append(time.perf_counter() - started)
                phase.statuses[status] += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        phase.duration = time.monotonic() - began

    asyncio.run(main())
    return phase


def catalogue_paths(stack):
    return ["/en/workshops/"] + [
        f"/en/workshops/{slug}/"
        for (slug,) in query(
            stack,
            "SELECT p.slug FROM wagtailcore_page p JOIN courses_workshoppage w "
            "ON w.page_ptr_id = p.id JOIN wagtailcore_locale l ON l.id = p.locale_id "
            "WHERE p.live AND l.language_code = 'en' ORDER BY p.path",
        )
    ]


def catalogue_phase(stack, total, concurrency, time_limit, rendered_each_time=False):
    paths = catalogue_paths(stack)
    if rendered_each_time:
        visits = [f"{paths[n % len(paths)]}?request={n}" for n in range(total)]
        name = "catalogue and workshop pages, rendered each time"
    else:
        # Each page was read once before (not measured), as on any day but the first.
        run_light_phase("warm-up", stack.url, paths, 1, time_limit)
        visits = [paths[n % len(paths)] for n in range(total)]
        name = "catalogue and workshop pages, as visitors get them"
    return run_light_phase(name, stack.url, visits, concurrency, time_limit)


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
        # Each file is read from where the last look stopped: a message is complete once the
        # separator that follows it is written.
        separator = b"\n" + b"-" * 79 + b"\n"
        offsets, partial = {}, {}
        while not self.stopping.is_set():
            now = time.time()
            for path in self.mail_dir.glob("*.log"):
                with path.open("rb") as handle:
                    handle.seek(offsets.get(path, 0))
                    fresh = handle.read()
                offsets[path] = offsets.get(path, 0) + len(fresh)
                *complete, partial[path] = (partial.get(path, b"") + fresh).split(separator)
                for chunk in complete:
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


def cpu_seconds_by_kind():
    """CPU seconds (user and system) used so far by the machine's processes, by what they are:
    the web processes, the task workers, PostgreSQL, Redis, this client, and the rest."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if "gunicorn" in command:
            kind = "web"
        elif "db_worker" in command:
            kind = "task workers"
        elif "postgres" in command:
            kind = "PostgreSQL"
        elif "redis" in command:
            kind = "Redis"
        elif int(pid) == os.getpid():
            kind = "load client"
        else:
            kind = "other"
        totals[kind] += (int(fields[11]) + int(fields[12])) / tick
    return totals


def queue_drain_seconds(stack, since, timeout=300):
    """Seconds from ``since`` until no task is waiting or running."""
    deadline = time.time() + timeout
    while tasks_left(stack) and time.time() < deadline:
        time.sleep(0.1)
    return time.time() - since


@dataclass
class Confirmations:
    """People who asked to enrol and hold their emailed link, open at its page."""

    clients: list
    links: list
    tokens: list
    emails: list


def prepare_confirmations(stack, people, session_ids):
    """``people`` ask to enrol, in turn in each of ``session_ids``, and open the link they are
    emailed (not measured).

    Each person comes from an address of their own, given to the stack as a proxy would
    (``X-Forwarded-For``), so that the per-client rate limits count them apart as they would
    count real members.
    """
    clients, addresses = [], {}
    tag = uuid.uuid4().hex[:6]
    for n in range(people):
        session_id = session_ids[n % len(session_ids)]
        client = requests.Session()
        client.headers["X-Forwarded-For"] = f"10.{n // 250}.{n % 250}.{1 + n % 7}"
        email = f"person{n}-{tag}@example.org"
        response = csrf_post(
            client,
            f"{stack.url}/en/sessions/{session_id}/enrol/",
            {"name": f"Person {n}", "email": email, "local": "3247", "preferred_language": "en"},
        )
        response.raise_for_status()
        clients.append(client)
        addresses[email] = n
    links = wait_for(lambda: confirmation_links(stack, addresses), "every confirmation email")
    tokens = []
    for n, client in enumerate(clients):
        page = client.get(stack.url + links[n], timeout=60)
        page.raise_for_status()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1])
    emails = sorted(addresses, key=addresses.get)
    return Confirmations(clients, [links[n] for n in range(people)], tokens, emails)


def confirm_phase(stack, name, prepared, concurrency, time_limit, at_once=False):
    """Everyone of ``prepared`` presses "Confirm my place", ``concurrency`` at a time (all at
    the same moment when ``at_once``). Also measured: how long after each answer its email
    was written, and how long after the last answer the task queue took to empty."""
    people = len(prepared.clients)
    barrier = threading.Barrier(people) if at_once else None
    answered = {}

    def confirm(n):
        def call(client):
            if barrier is not None:
                barrier.wait()
            response = client.post(
                stack.url + prepared.links[n],
                data={
                    "csrfmiddlewaretoken": prepared.tokens[n],
                    "name": f"Person {n}",
                    "local": "3247",
                    "preferred_language": "en",
                },
                headers={"Referer": stack.url + prepared.links[n]},
                timeout=120,
                allow_redirects=False,
            )
            answered[n] = time.time()
            return response

        return call

    with MailWatcher(stack.mail_dir) as watcher:
        before = cpu_seconds_by_kind()
        phase = run_phase(
            name,
            [confirm(n) for n in range(people)],
            concurrency,
            time_limit,
            sessions=prepared.clients,
        )
        phase.drain = queue_drain_seconds(stack, since=time.time())
        # Emails included: the task queue is empty by now.
        used = cpu_seconds_by_kind()
        used.subtract(before)
        phase.cpu_ms = {kind: 1000 * seconds / people for kind, seconds in used.items()}
        # Each person's second email (the first held the link) says they have a place or
        # are waiting for one.
        wait_for(
            lambda: (
                all(len(watcher.arrivals.get(prepared.emails[n], [])) >= 2 for n in answered)
                or None
            ),
            "every enrolment email",
        )
    phase.email_delays = sorted(
        watcher.arrivals[prepared.emails[n]][1] - answered[n] for n in answered
    )
    return phase


def enrolment_counts(stack, session_ids):
    return dict(
        query(
            stack,
            "SELECT status, count(*) FROM courses_enrollment WHERE session_id = ANY(%s) "
            "GROUP BY status",
            [list(session_ids)],
        )
    )


def enrol_storm_phase(stack, people, seats, time_limit):
    """``people`` press "Confirm my place" at the same moment in one session of ``seats``."""
    session_id = make_session(stack, capacity=seats)
    prepared = prepare_confirmations(stack, people, [session_id])
    name = f"enrol storm: {people} people confirm at once, {seats} seats"
    phase = confirm_phase(stack, name, prepared, people, time_limit, at_once=True)
    return phase, enrolment_counts(stack, [session_id])


def enrolments_phase(stack, people, sessions, concurrency, time_limit):
    """``people`` confirm their places in ``sessions`` sessions with room for all of them,
    ``concurrency`` at a time: enrolments as a busy day brings them."""
    session_ids = [make_session(stack, capacity=people) for _ in range(sessions)]
    prepared = prepare_confirmations(stack, people, session_ids)
    name = f"enrolments: {people} people confirm, {concurrency} at a time, in {sessions} sessions"
    phase = confirm_phase(stack, name, prepared, concurrency, time_limit)
    return phase, enrolment_counts(stack, session_ids)


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
    parser.add_argument(
        "--requests", type=int, default=600, help="catalogue requests, rendered each time"
    )
    parser.add_argument(
        "--cached-requests", type=int, default=3000, help="catalogue requests, as visitors get them"
    )
    parser.add_argument("--enrolments", type=int, default=400)
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
            stack, options.cached_requests, options.concurrency, options.time_limit
        )
        enrolments, spread = enrolments_phase(
            stack, options.enrolments, 20, options.concurrency, options.time_limit
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
    phases = (rendered, catalogue, enrolments, storm, downloads)
    rows = [phase.row() for phase in phases]
    print(f"\n{description}")
    print(
        f"gunicorn: {options.web_processes} processes; task workers: {options.task_workers}; "
        f"clients at a time: {options.concurrency} (the storm: 200); pages are asked for by "
        "one asyncio process over plain sockets, enrolments by the requests library on threads\n"
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    ratio = catalogue.throughput / rendered.throughput if rendered.throughput else 0
    print(
        f"\nCatalogue and workshop pages, as visitors get them / rendered each time: {ratio:.2f}."
    )
    for label, phase, result in (
        ("Enrolments", enrolments, spread),
        ("Enrol storm", storm, counts),
    ):
        delays = phase.email_delays
        print(
            f"{label}: {result}. Email written after the answer: p50 "
            f"{statistics.median(delays):.2f} s, p95 {statistics.quantiles(delays, n=100)[94]:.2f}"
            f" s, max {max(delays):.2f} s; task queue empty {phase.drain:.1f} s after the last "
            "answer."
        )
        cpu = ", ".join(
            f"{kind} {ms:.1f}" for kind, ms in sorted(phase.cpu_ms.items(), key=lambda i: -i[1])
        )
        print(
            f"  CPU per enrolment, by process, in ms: {cpu}; in all "
            f"{sum(phase.cpu_ms.values()):.1f} ms, for {len(os.sched_getaffinity(0))} cores."
        )
    ok = (
        spread.get("confirmed") == enrolments.count
        and counts.get("confirmed") == 25
        and counts.get("waitlisted") == 175
        and all(phase.server_errors == 0 for phase in phases)
    )
    print("No 5xx, no overbooking." if ok else "FAILED: errors or overbooking, see above.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
