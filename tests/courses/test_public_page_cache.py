"""Public pages served again from the cache to visitors who are not signed in: never staler
than the next request after a change, never for anyone signed in, never with a query string."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from courses.choices import EnrollmentStatus
from courses.page_cache import seconds_until_change
from courses.sessions import enrollment
from tests.factories import (
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.EDUCATION_PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()


def fetch(client, path):
    """GET ``path``, running what waits for the commit; the response and its query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Steward Training")


def test_a_visitor_gets_the_same_page_from_the_cache_with_fewer_queries(client, workshop):
    SessionFactory(workshop=workshop, capacity=10)
    for path in ("/en/", "/en/workshops/", workshop.url):
        with override_settings(EDUCATION_PUBLIC_PAGE_CACHE_SECONDS=0):
            fetch(client, path)  # the site's settings rows are made on the first visit
            _, rendering = fetch(client, path)
        first, _ = fetch(client, path)
        again, served = fetch(client, path)
        assert again.content == first.content
        assert served < rendering
        assert again["Content-Type"] == first["Content-Type"]
        assert not first.cookies
        assert not again.cookies


def test_places_left_change_on_the_next_request(client, workshop):
    session = SessionFactory(workshop=workshop, capacity=10)
    assert "10 places left" in fetch(client, workshop.url)[0].text
    assert "10 places left" in fetch(client, "/en/workshops/")[0].text

    with TestCase.captureOnCommitCallbacks(execute=True):
        enrollment.enrol(session.pk, ParticipantFactory().pk)
    assert "9 places left" in fetch(client, workshop.url)[0].text
    assert "9 places left" in fetch(client, "/en/workshops/")[0].text

    taken = session.enrollments.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrollment.cancel(taken.pk, notify=False)
    assert "10 places left" in fetch(client, workshop.url)[0].text


def test_a_full_session_says_so_at_once(client, workshop):
    session = SessionFactory(workshop=workshop, capacity=1)
    fetch(client, workshop.url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        EnrollmentFactory(session=session, status=EnrollmentStatus.CONFIRMED)
    assert "Full: join the waitlist" in fetch(client, workshop.url)[0].text


def test_publishing_a_page_shows_the_new_version(client, workshop):
    fetch(client, workshop.url)
    workshop.title = "Steward Training, revised"
    with TestCase.captureOnCommitCallbacks(execute=True):
        workshop.save_revision().publish()
    assert "Steward Training, revised" in fetch(client, workshop.url)[0].text
    assert "Steward Training, revised" in fetch(client, "/en/workshops/")[0].text


def test_a_workshop_made_private_leaves_the_cached_catalogue(client, workshop):
    assert "Steward Training" in fetch(client, "/en/workshops/")[0].text
    with TestCase.captureOnCommitCallbacks(execute=True):
        PageViewRestriction.objects.create(page=workshop, restriction_type="login")
    assert "Steward Training" not in fetch(client, "/en/workshops/")[0].text
    assert client.get(workshop.url).status_code == 302


def test_signed_in_people_are_never_served_nor_cached(client, client_as, workshop, staff):
    client_as(staff)
    fetch(client, workshop.url)
    fetch(client, workshop.url)
    assert not cache._cache or all("public-page" not in key for key in cache._cache)


def test_a_query_string_is_never_cached(client, catalogue):
    fetch(client, "/en/workshops/?language=fr")
    _, rendering = fetch(client, "/en/workshops/?language=fr")
    _, again = fetch(client, "/en/workshops/?language=fr")
    assert again == rendering


def test_each_language_has_its_own_page(client, workshop):
    english = fetch(client, "/en/workshops/")[0]
    assert english["Content-Language"] == "en"
    assert english.content == fetch(client, "/en/workshops/")[0].content


def test_the_cache_turned_off_renders_every_time(client, workshop, settings):
    settings.EDUCATION_PUBLIC_PAGE_CACHE_SECONDS = 0
    fetch(client, workshop.url)
    _, rendering = fetch(client, workshop.url)
    _, again = fetch(client, workshop.url)
    assert again == rendering


def test_a_page_expires_when_a_session_it_lists_starts_or_closes_registration():
    now = timezone.now()
    soon = SessionFactory.build(starts_at=now + timedelta(seconds=40))
    deadline = SessionFactory.build(
        starts_at=now + timedelta(days=3), registration_deadline=now + timedelta(seconds=25)
    )
    later = SessionFactory.build(starts_at=now + timedelta(days=9))
    assert seconds_until_change([later], 60, now=now) == 60
    assert seconds_until_change([later, soon], 60, now=now) == 40
    assert seconds_until_change([soon, deadline], 60, now=now) == 25
    assert seconds_until_change([], 60, now=now) == 60


def test_a_kept_page_is_served_before_routing_with_the_same_headers(client, workshop):
    SessionFactory(workshop=workshop, capacity=10)
    for path in ("/en/", "/en/workshops/", workshop.url):
        first, _ = fetch(client, path)
        again, queries = fetch(client, path)
        assert queries == 0
        assert again.content == first.content
        for header in ("Content-Type", "X-Frame-Options", "Content-Language"):
            assert again[header] == first[header]


def test_without_the_middleware_the_pages_keep_themselves(client, workshop, settings):
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name != "courses.page_cache.VisitorPageCacheMiddleware"
    ]
    SessionFactory(workshop=workshop, capacity=10)
    with override_settings(EDUCATION_PUBLIC_PAGE_CACHE_SECONDS=0):
        fetch(client, workshop.url)
        _, rendering = fetch(client, workshop.url)
    first, _ = fetch(client, workshop.url)
    again, served = fetch(client, workshop.url)
    assert 0 < served < rendering
    assert again.content == first.content


def test_only_the_public_pages_are_kept(client, workshop):
    session = SessionFactory(workshop=workshop, capacity=10)
    client.get(f"/en/sessions/{session.pk}/enrol/")
    client.get("/en/certificates/")
    assert all("public-page:" not in key for key in cache._cache)


def test_a_page_kept_under_an_older_version_is_rendered_again(client, workshop):
    session = SessionFactory(workshop=workshop, capacity=10)
    fetch(client, workshop.url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrollment.enrol(session.pk, ParticipantFactory().pk)
    _, queries = fetch(client, workshop.url)
    assert queries > 0
    _, queries = fetch(client, workshop.url)
    assert queries == 0
