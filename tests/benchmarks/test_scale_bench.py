"""Every page at the size of a national union's year, against a bare Wagtail page.

The year is ``tests/benchmarks/scale.py``'s at full size: 30,000 members in 1,000 locals, 400
facilitators, 1,500 sessions held over the past year and 500 to come, 60,000 enrolments, the
attendance marks and certificates of the completions, and requests from locals. It is written
in bulk in the test's transaction, then analysed (PostgreSQL keeps no statistics of rows
written a moment ago until they are).

Each page is requested in-process with Django's test client, through the whole middleware
stack: the public pages (home, catalogue, a workshop page, the enrolment form, posting it,
opening the emailed link and pressing "Confirm my place", a member's My learning with a long
history, a facilitator's roster of a full session, a certificate's verification page), and as
education staff the admin listings of sessions, enrolments, participants and certificates and
every report. Every page is requested ``WARM_UP`` times first, then ``ROUNDS`` rounds are
made; each round goes through the pages in an order shifted by one from the previous round,
and requests the bare page just before each of them, so that whatever else the machine is
doing falls on the pages and on the bare page alike. The table gives the median and the 95th
percentile (nearest rank) of each page in milliseconds, its ratio to the bare page's median,
its queries and the size of its answer.

**The bare page** is a plain ``wagtailcore.Page`` with only a title, a child of the home page,
served at ``/en/bare-page/`` by Wagtail's own minimal template (``wagtailcore/page.html``: the
title twice, no other tag, no context processor used). It is the cheapest genuine Wagtail page
this site can serve without a model or template of its own: the same URL patterns (under the
language prefix), middleware, session, site root and page look-up as every page of the site,
and nothing of the site's own on top. What a page costs beyond it is what the site adds.

**Budgets** (printed, never asserted: times depend on the machine and its load): a public page
at most twice the bare page's median; an admin listing or report at most 300 ms median. The
test asserts only what holds on any machine: every answer's status, and that each page costs
the same number of queries in every round (the rounds add enrolments and pending enrolments:
a count that moves grows with the data).
"""

import math
import os
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.benchmarks.scale import (
    add_bare_page,
    build_union_year,
    probes,
    ready,
    signed_in_clients,
)

pytestmark = pytest.mark.django_db

#: The full year; ``EDUCATION_BENCH_SCALE=0.02`` tries the benchmark on a fiftieth of it.
SCALE = float(os.environ.get("EDUCATION_BENCH_SCALE", "1"))
WARM_UP = 1
ROUNDS = 12
PUBLIC_RATIO = 2.0
ADMIN_MS = 300


def p95(values):
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def timed(send):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = send()
        elapsed = time.perf_counter() - started
    return elapsed * 1000, len(queries), response


def test_every_page_against_a_bare_wagtail_page(
    home_page, catalogue, report, no_rate_limits, settings
):
    started = time.perf_counter()
    year = build_union_year(catalogue, SCALE)
    bare_page = add_bare_page(home_page)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started

    clients = signed_in_clients(year)
    pages = probes(year, catalogue, bare_page)
    bare, others = pages[0], pages[1:]
    figures = {probe.name: {"ms": [], "queries": set(), "status": set()} for probe in pages}

    def measure(probe):
        client = clients[probe.who]
        ms, queries, response = timed(ready(probe, client))
        figures[probe.name]["ms"].append(ms)
        figures[probe.name]["queries"].add(queries)
        figures[probe.name]["status"].add(response.status_code)
        figures[probe.name]["kb"] = len(response.content) / 1024

    for _round in range(WARM_UP):
        for probe in pages:
            ready(probe, clients[probe.who])()
    for round_number in range(ROUNDS):
        shift = round_number % len(others)
        for probe in others[shift:] + others[:shift]:
            measure(bare)
            measure(probe)
    measuring = time.perf_counter() - started - built

    bare_median = statistics.median(figures[bare.name]["ms"])
    rows = []
    for probe in pages:
        seen = figures[probe.name]
        median = statistics.median(seen["ms"])
        if probe.side == "public":
            budget = f"≤ {PUBLIC_RATIO:g}× bare ({PUBLIC_RATIO * bare_median:.1f} ms)"
            verdict = "pass" if median <= PUBLIC_RATIO * bare_median else "FAIL"
        elif probe.side == "admin":
            budget = f"≤ {ADMIN_MS} ms"
            verdict = "pass" if median <= ADMIN_MS else "FAIL"
        else:
            budget, verdict = "", ""
        rows.append(
            [
                probe.name,
                probe.url,
                f"{median:.1f}",
                f"{p95(seen['ms']):.1f}",
                f"{median / bare_median:.1f}",
                "/".join(str(n) for n in sorted(seen["queries"])),
                f"{seen['kb']:.0f}",
                budget,
                verdict,
            ]
        )

    counts = ", ".join(f"{figure:,} {what}" for what, figure in year.counts.items())
    report(
        f"A national union's year ({counts}; built in {built:.0f} s, measured in "
        f"{measuring:.0f} s: {WARM_UP} warm-up and {ROUNDS} measured rounds, the bare page "
        f"before each page)",
        [
            "page",
            "URL",
            "median ms",
            "p95 ms",
            "× bare",
            "queries",
            "KB",
            "budget",
            "",
        ],
        rows,
    )

    for probe in pages:
        seen = figures[probe.name]
        assert seen["status"] == {probe.expect}, (probe.name, seen["status"])
        assert len(seen["queries"]) == 1, (probe.name, seen["queries"])
