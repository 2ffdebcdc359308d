"""Real-browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Every test under ``tests/browser/`` is marked ``browser`` and runs with a transactional database
whose migrated content (Wagtail's root page and default site, the role groups) is restored
before each test. The tests are skipped, with the reason, when Chromium is not installed.

Chromium comes from the operating system (``apt-get install -y chromium``), never from
``playwright install``; ``CHROMIUM_PATH`` points the harness at another executable.

Read what a journey needs from the database before driving the browser: on SQLite the live
server answers with the test's own (in-memory) connection, which two threads must not use at once.

Run them with ``python -m pytest tests/browser -v`` (``-m "not browser"`` leaves them out).
A failing test leaves a screenshot in ``tests/browser/screenshots/<test name>.png``.
"""

import io
import os
import re
import shutil
import warnings
from pathlib import Path

from django.core.management import call_command
from django.db import connections

import pytest

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
SCREENSHOTS_DIR = BROWSER_TESTS_DIR / "screenshots"

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Either a path or a command name looked up on PATH; None when there is no such executable.
CHROMIUM_EXECUTABLE = shutil.which(CHROMIUM_PATH)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a page rendered by a live server on a loaded CI machine, short enough that a
# missing element fails the test quickly (Playwright's own defaults are 30 s and 5 s).
TIMEOUT_MS = 10_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def chromium_missing_reason():
    """Why the browser journeys cannot run here, or ``None`` when they can."""
    if CHROMIUM_EXECUTABLE is None:
        return (
            f"Chromium not found at {CHROMIUM_PATH}: install Debian's chromium package "
            "(apt-get install -y chromium) to run the browser journeys"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "The playwright package is not installed: pip install -e '.[dev]'"
    return None


def _is_browser_test(item):
    return BROWSER_TESTS_DIR in Path(item.path).resolve().parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark the journeys (before pytest-django orders tests by their database needs).

    pytest calls this hook with every collected test, so only those in this folder change.
    ``serialized_rollback`` reloads the migrated content that the flush after each
    transactional test removes: without it the second journey would find no Wagtail root page.
    """
    browser_items = [item for item in items if _is_browser_test(item)]
    if not browser_items:
        return
    skip_reason = chromium_missing_reason()
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if skip_reason:
            item.add_marker(pytest.mark.skip(reason=skip_reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test so that fixtures can tell that it failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One headless Chromium for the whole run; each test gets its own context.

    It starts after the test database exists (``django_db_setup``) so that the connections
    handed over below are the ones pytest-django prepared.
    """
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this thread (in another
    # greenlet) from start() to stop(), that is for the rest of the test run. Two things in
    # Django change while a loop runs, although nothing here is asynchronous: the loop only
    # talks to the browser, and the live server answers requests in its own thread.
    #
    # 1. The ORM refuses to run (SynchronousOnlyOperation) in test code, in fixtures and in
    #    pytest-django's flush after each test. DJANGO_ALLOW_ASYNC_UNSAFE lifts that check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # 2. ``django.db.connections`` keeps its connections in an asgiref Local that switches from
    #    per-thread to per-context storage, so this thread would get new connection objects
    #    without the state pytest-django keeps on the old ones (the serialized database that
    #    ``serialized_rollback`` restores, a TestCase's open transaction). Give the new storage
    #    the same objects.
    existing = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in existing.items():
        connections[alias] = connection
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_EXECUTABLE, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _open_page(request, browser, live_server, **context_options):
    """A page in a fresh context whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save_screenshot(page, request.node.name)
    finally:
        context.close()


def _save_screenshot(page, test_name):
    """Save what the browser showed when the test failed, without hiding the failure itself."""
    from playwright.sync_api import Error

    SCREENSHOTS_DIR.mkdir(exist_ok=True)
    path = SCREENSHOTS_DIR / (re.sub(r"[^\w.-]+", "_", test_name) + ".png")
    try:
        page.screenshot(path=path, full_page=True)
    except Error as error:
        warnings.warn(f"No screenshot of {test_name}: {error}", stacklevel=1)
    else:
        print(f"Screenshot of the failure: {path}")


@pytest.fixture
def page(request, browser, live_server):
    """A desktop page (Playwright's default 1280x720 viewport)."""
    yield from _open_page(request, browser, live_server)


@pytest.fixture
def phone_page(request, browser, live_server):
    """A page on a phone-sized touch screen, as a facilitator taking attendance would use."""
    yield from _open_page(request, browser, live_server, **PHONE)


@pytest.fixture
def demo_site(transactional_db):
    """The full demo content from ``manage.py load_demo``; flushed again after the test."""
    call_command("load_demo", stdout=io.StringIO())
