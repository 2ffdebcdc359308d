"""Fixtures shared by the whole suite: a site with its catalogue, and one user per role.

The roles are those of DESIGN.md: anonymous visitors, participants (signed in, in no group),
facilitators, education staff and superusers. Groups come from the data migrations.
"""

import hashlib
import os
import sqlite3
from io import StringIO

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation

from wagtail import hooks
from wagtail.models import Page, Site

import pytest

from certificates.views import my_learning_section
from courses.sessions.views import MY_LEARNING_HOOK
from tests.factories import (
    FacilitatorFactory,
    HomePageFactory,
    SuperuserFactory,
    UserFactory,
    WorkshopIndexPageFactory,
    make_staff_user,
)

# Benchmarks measure budgets on bigger data and take minutes: plain `pytest` (`make test`)
# skips the whole folder, conftest included; `make bench` sets EDUCATION_BENCH=1 to run it.
collect_ignore_glob = [] if os.environ.get("EDUCATION_BENCH") == "1" else ["benchmarks"]
# The same for the end-to-end test of the production stack (`make stack-test`, run by CI): it
# starts gunicorn and task workers on PostgreSQL and Redis, and takes minutes.
if os.environ.get("EDUCATION_STACK") != "1":
    collect_ignore_glob.append("stack")


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """``load_demo`` run once for all the tests of a module that ask for it (what it printed).

    The demo is loaded in a transaction that is rolled back after the module's last test; each
    test runs inside it in a savepoint of its own (as any test of Django's ``TestCase`` does),
    so what one test changes never reaches the next. Loading the whole demo takes seconds:
    once per module instead of once per test.

    On SQLite the database the demo made is kept (see ``DemoSnapshots``): the next module that
    asks for the demo on a database in the same state gets a copy of it instead of loading it
    again, and gets the database back as it found it after its last test.
    """
    with django_db_blocker.unblock():
        snapshot = _DEMO_SNAPSHOTS.restore()
        if snapshot is not None:
            try:
                with transaction.atomic():
                    yield snapshot
                    transaction.set_rollback(True)
            finally:
                _DEMO_SNAPSHOTS.put_back()
            return
        with transaction.atomic():
            before = _DEMO_SNAPSHOTS.before_loading()
            out = StringIO()
            call_command("load_demo", stdout=out)
            _DEMO_SNAPSHOTS.loaded(before, out.getvalue())
            yield out.getvalue()
            transaction.set_rollback(True)


class DemoSnapshots:
    """The demo loaded once per test process, copied in and out of the test database.

    Only on SQLite, with Python's ``sqlite3`` backup and serialisation. The copy is made inside
    the loading transaction (the demo's commit hooks never run, as when it is rolled back) and
    is used only when the database holds, row for row, what the demo was loaded into; the
    files the demo wrote to the default storage come back with it when they are missing.
    Elsewhere (PostgreSQL) every module loads the demo itself.
    """

    def __init__(self):
        self.base = None  # a digest of the database the demo was loaded into
        self.demo = None  # a connection to a copy of the database with the demo in it
        self.output = None  # what load_demo printed
        self.files = {}  # name -> content of the files the demo saved in the default storage
        self.saved = None  # a connection to a copy of the database a module found

    @staticmethod
    def _raw():
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return None
        connection.ensure_connection()
        return connection.connection

    @staticmethod
    def _content(raw):
        """A digest of every row of every table (autoincrement counters included)."""
        digest = hashlib.sha256()
        tables = raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            rows = raw.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
            digest.update(repr((table, sorted(map(repr, rows)))).encode())
        return digest.digest()

    @staticmethod
    def _copy(raw):
        """A copy of the database in memory; serialised, since a backup waits for the end of
        the transaction the demo is loaded in."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        copy.deserialize(raw.serialize())
        return copy

    def before_loading(self):
        raw = self._raw()
        if raw is None or len(connections[DEFAULT_DB_ALIAS].atomic_blocks) > 1:
            return None
        # Called inside the loading transaction, which has changed nothing yet.
        return self._content(raw), _storage_files()

    def loaded(self, before, output):
        if before is None or self.demo is not None:
            return
        raw = self._raw()
        self.base, files_before = before
        self.demo = self._copy(raw)
        self.output = output
        self.files = {
            name: content
            for name, content in _storage_files().items()
            if files_before.get(name) != content
        }

    def restore(self):
        """The demo's output after copying the demo in, or None when it must be loaded."""
        connection = connections[DEFAULT_DB_ALIAS]
        if self.demo is None or connection.in_atomic_block:
            return None
        raw = self._raw()
        if raw is None or self._content(raw) != self.base:
            return None
        self.saved = self._copy(raw)
        self.demo.backup(raw)
        storage = storages["default"]
        for name, content in self.files.items():
            if not storage.exists(name):
                storage.save(name, ContentFile(content))
        return self.output

    def put_back(self):
        """The database as the module found it."""
        self.saved.backup(self._raw())
        self.saved.close()
        self.saved = None


def _storage_files(path=""):
    """name -> content of every file in the default storage."""
    storage = storages["default"]
    try:
        directories, files = storage.listdir(path)
    except (FileNotFoundError, NotImplementedError):
        return {}
    found = {}
    for name in files:
        full = f"{path}/{name}" if path else name
        with storage.open(full, "rb") as file:
            found[full] = file.read()
    for directory in directories:
        found.update(_storage_files(f"{path}/{directory}" if path else directory))
    return found


_DEMO_SNAPSHOTS = DemoSnapshots()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches, so that rate limits counted by one test never
    refuse the requests of the next."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request in French leaves French
    active in its thread, which would put the next test's ``reverse()`` under /fr/."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def no_rate_limits(settings):
    """Load tests send every request from this machine's address: count none of them."""
    from courses.ratelimits import DEFAULT_RATE_LIMITS

    settings.EDUCATION_RATE_LIMITS = dict.fromkeys(DEFAULT_RATE_LIMITS)


@pytest.fixture
def home_page(db):
    """A home.HomePage at the root of the default Site, in place of Wagtail's welcome page."""
    return make_home_page()


def make_home_page():
    """Make the home page the default Site's root (see the ``home_page`` fixture)."""
    root = Page.get_first_root_node()
    welcome_pages = list(root.get_children())
    home = HomePageFactory(parent=root, slug="union-education")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "Union Education"
    site.save()
    for page in welcome_pages:
        page.delete()
    Site.clear_site_root_paths_cache()
    return home


@pytest.fixture
def site_root(home_page):
    """The default Site, whose root page is the home page."""
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def catalogue(home_page):
    """The workshop catalogue at /workshops/."""
    return WorkshopIndexPageFactory(parent=home_page)


@pytest.fixture
def anonymous():
    """A visitor who has not signed in."""
    return AnonymousUser()


@pytest.fixture
def participant(db):
    """A union member who signed in: no group, no admin access."""
    return UserFactory(username="participant", email="participant@example.org")


@pytest.fixture
def another_participant(db):
    """Another member, to check nobody sees what belongs to someone else."""
    return UserFactory(username="other-participant", email="other@example.org")


@pytest.fixture
def facilitator(db):
    """A user in the Facilitators group, with a facilitator profile."""
    return FacilitatorFactory(
        user__username="facilitator", user__email="facilitator@example.org"
    ).user


@pytest.fixture
def staff(db):
    """A user in the Education staff group."""
    return make_staff_user(username="staff", email="staff@example.org")


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="admin", email="admin@example.org")


@pytest.fixture
def users(anonymous, participant, another_participant, facilitator, staff, superuser):
    """Every role by name, for tests that go through each in turn."""
    return {
        "anonymous": anonymous,
        "participant": participant,
        "another_participant": another_participant,
        "facilitator": facilitator,
        "staff": staff,
        "superuser": superuser,
    }


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client signed in as ``user`` (anonymous for None)."""

    def sign_in(user):
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def my_learning_certificates():
    """The certificates section in My learning, registered as the site's hooks do."""
    if my_learning_section in hooks.get_hooks(MY_LEARNING_HOOK):
        yield
        return
    with hooks.register_temporarily(MY_LEARNING_HOOK, my_learning_section):
        yield
