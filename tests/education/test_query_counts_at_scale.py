"""Every page of a union's year costs the same number of queries however big the year.

The year of ``tests/benchmarks/scale.py`` is built at two small sizes, 1/60 and 1/30 of a
national union's (500 and 1,000 members, 34 and 68 sessions, 1,000 and 2,000 enrolments; the
member's history 6 and 12 sessions long, the full roster 12 and 24 seats, 9 and 14 workshops
in the catalogue besides the one offered on request), each in a
transaction rolled back once its pages are counted. Each page (those the benchmark
``tests/benchmarks/test_scale_bench.py`` times) is requested once to warm up, then once with
its queries counted (``CaptureQueriesContext``), at each size. The counts must be equal: the
admin listings show one page of rows (fewer rows than either size holds), so a count that
grows there grows with the rows of a page, which is as wrong as growing with the data.

A page whose count grows today is marked ``xfail(strict=True)`` with the counts measured, so
that the mark has to go once the page is fixed.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from courses.ratelimits import DEFAULT_RATE_LIMITS
from tests.benchmarks.scale import (
    add_bare_page,
    build_union_year,
    probes,
    ready,
    signed_in_clients,
)
from tests.conftest import make_home_page
from tests.factories import WorkshopIndexPageFactory

#: pytest-django creates the test database for the tests that ask for one.
pytestmark = pytest.mark.django_db

#: (scale, the member's history, seats of the full roster, scheduled workshops)
SIZES = [(1 / 60, 6, 12, 9), (1 / 30, 12, 24, 14)]


def count_pages(scale, history, full_roster, workshops):
    """``{page name: (status, queries)}`` for a year of this size."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    home_page = make_home_page()
    catalogue = WorkshopIndexPageFactory(parent=home_page)
    year = build_union_year(
        catalogue, scale, history=history, full_roster=full_roster, workshops=workshops
    )
    clients = signed_in_clients(year)
    counts = {}
    for probe in probes(year, catalogue, add_bare_page(home_page)):
        client = clients[probe.who]
        ready(probe, client)()  # warm-up
        send = ready(probe, client)
        with CaptureQueriesContext(connection) as queries:
            response = send()
        counts[probe.name] = (probe.expect, response.status_code, len(queries))
    return counts


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """``{page name: [(expected status, status, queries) at each size]}``."""
    by_page = {}
    limits = dict.fromkeys(DEFAULT_RATE_LIMITS)
    with (
        django_db_blocker.unblock(),
        override_settings(EDUCATION_RATE_LIMITS=limits),
        translation.override(settings.LANGUAGE_CODE),
    ):
        for size in SIZES:
            with transaction.atomic():
                for name, figures in count_pages(*size).items():
                    by_page.setdefault(name, []).append(figures)
                transaction.set_rollback(True)
    for cache in caches.all(initialized_only=True):
        cache.clear()
    return by_page


def grows(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


PAGES = [
    "Bare Wagtail page",
    "Home",
    "Catalogue",
    "Workshop page",
    "Enrol form (GET)",
    "Enrol form (POST)",
    "Emailed link (GET)",
    "Confirm my place (POST)",
    "My learning (long history)",
    "Roster of a full session",
    "Certificate verification",
    "Home, as visitors get it (kept in the cache)",
    "Catalogue, as visitors get it (kept in the cache)",
    "Workshop page, as visitors get it (kept in the cache)",
    "Sessions (admin list)",
    "Enrolments (admin list)",
    "Participants (admin list)",
    "Certificates (admin list)",
    "Report: Enrolment and attendance",
    "Report: Completions by local",
    "Report: Facilitator activity",
    "Report: Demand per workshop",
    "Report: Certificates",
]
#: Pages whose count grows with the data today: {name: reason}.
GROWING = {}


def test_the_second_year_is_bigger(db):
    """First, so that creating the test database is not counted in the time of ``counts``."""
    assert all(small < big for small, big in zip(*SIZES, strict=True))


def test_every_page_is_counted(counts):
    assert list(counts) == PAGES


@pytest.mark.parametrize(
    "page",
    [pytest.param(name, marks=grows(GROWING[name])) if name in GROWING else name for name in PAGES],
)
def test_queries_do_not_grow_with_the_year(counts, page):
    (expected, small_status, small), (_expected, big_status, big) = counts[page]
    assert (small_status, big_status) == (expected, expected)
    assert big == small, f"{page}: {small} queries at {SIZES[0][0]:.3f}, {big} at {SIZES[1][0]:.3f}"
