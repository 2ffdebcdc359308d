"""The public catalogue at /workshops/: what it lists, its filters, and what it costs."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from courses.choices import Audience
from courses.models import WorkshopIndexPage
from tests.factories import EnrollmentFactory, ProgramFactory, SessionFactory, WorkshopPageFactory

#: Queries a warm catalogue request makes, whatever the number of workshops and sessions.
#: Measured at 12 on SQLite and PostgreSQL with sessions listed (11 without): site, routing to
#: the page (4), view restrictions (2), site settings, programs, workshops, their upcoming
#: sessions with seat counts (one prefetch), and the sessions' parts (one prefetch). Then, for
#: the two languages, 16 (14 without sessions): the page's translations, the home and catalogue
#: links in the reader's language, and the locales that mark a title in another language.
CATALOGUE_MAX_QUERIES = 16


def listed(response):
    """Titles of the workshops the catalogue shows, in order."""
    return [workshop.title for workshop in response.context["workshops"]]


@pytest.fixture
def bargaining(db):
    return ProgramFactory(title="Bargaining Program", slug="bargaining")


@pytest.fixture
def executive(db):
    return ProgramFactory(title="Local Executive Training", slug="local-executive")


@pytest.fixture
def workshops(catalogue, bargaining, executive):
    """Three workshops across two programs and two audiences."""
    return {
        "survey": WorkshopPageFactory(
            parent=catalogue,
            title="Bargaining surveys",
            program=bargaining,
            audience=Audience.ALL_MEMBERS,
        ),
        "table": WorkshopPageFactory(
            parent=catalogue,
            title="At the bargaining table",
            program=bargaining,
            audience=Audience.LOCAL_EXECUTIVE,
        ),
        "treasurer": WorkshopPageFactory(
            parent=catalogue,
            title="The local treasurer",
            program=executive,
            audience=Audience.LOCAL_EXECUTIVE,
        ),
    }


@pytest.mark.django_db
def test_catalogue_lists_live_public_workshops(client, catalogue, workshops):
    draft = WorkshopPageFactory(parent=catalogue, title="Unfinished draft", live=False)
    private = WorkshopPageFactory(parent=catalogue, title="Private pilot")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/en/workshops/")

    assert response.status_code == 200
    assert listed(response) == [
        "At the bargaining table",
        "Bargaining surveys",
        "The local treasurer",
    ]
    for workshop in workshops.values():
        assert workshop.title in response.text
        assert workshop.url in response.text
    assert draft.title not in response.text
    assert private.title not in response.text


@pytest.mark.django_db
def test_catalogue_filters_by_program(client, workshops):
    response = client.get("/en/workshops/", {"program": "bargaining"})

    assert response.status_code == 200
    assert listed(response) == ["At the bargaining table", "Bargaining surveys"]
    assert response.context["filters"]["program"] == "bargaining"


@pytest.mark.django_db
def test_catalogue_filters_by_audience(client, workshops):
    response = client.get("/en/workshops/", {"audience": Audience.LOCAL_EXECUTIVE})

    assert response.status_code == 200
    assert listed(response) == ["At the bargaining table", "The local treasurer"]


@pytest.mark.django_db
def test_catalogue_combines_program_and_audience(client, workshops):
    response = client.get(
        "/en/workshops/", {"program": "bargaining", "audience": Audience.LOCAL_EXECUTIVE}
    )

    assert response.status_code == 200
    assert listed(response) == ["At the bargaining table"]


@pytest.mark.django_db
def test_catalogue_ignores_an_unknown_audience(client, workshops):
    response = client.get("/en/workshops/", {"audience": "astronauts"})

    assert response.status_code == 200
    assert len(listed(response)) == 3
    assert response.context["filters"]["audience"] == ""


@pytest.mark.django_db
def test_catalogue_ignores_an_unknown_program(client, workshops):
    """An old link to a renamed program shows the whole catalogue rather than nothing."""
    response = client.get("/en/workshops/", {"program": "no-such-program"})

    assert response.status_code == 200
    assert len(listed(response)) == 3
    assert response.context["filters"]["program"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"program": "a\x00b"},
        {"audience": "\x00"},
        {"program": "x" * 5000},
        {"program": ["bargaining", "local-executive"], "audience": "<script>"},
    ],
    ids=["nul-program", "nul-audience", "long-program", "repeated-and-markup"],
)
def test_catalogue_survives_garbage_filters(client, workshops, query):
    response = client.get("/en/workshops/", query)

    assert response.status_code == 200
    assert "<script>" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "sessions_each"),
    [(10, 0), (100, 0), (10, 2), (100, 3)],
    ids=["10-workshops", "100-workshops", "10-workshops-2-sessions", "100-workshops-3-sessions"],
)
def test_catalogue_query_count_does_not_grow_with_workshops(
    client, catalogue, django_assert_max_num_queries, size, sessions_each
):
    programs = [ProgramFactory() for _ in range(3)]
    soon = timezone.now() + timedelta(days=7)
    for number in range(size):
        workshop = WorkshopPageFactory(parent=catalogue, program=programs[number % 3])
        for day in range(sessions_each):
            session = SessionFactory(workshop=workshop, start=soon + timedelta(days=day), days=2)
            EnrollmentFactory(session=session)
    client.get("/en/workshops/")  # creates the site's settings row once, outside the budget

    with django_assert_max_num_queries(CATALOGUE_MAX_QUERIES):
        response = client.get("/en/workshops/")

    assert response.status_code == 200
    assert len(listed(response)) == size
    # The soonest sessions, and only as many as the catalogue shows.
    shown = response.context["upcoming_sessions"]
    assert len(shown) == min(size * sessions_each, WorkshopIndexPage.UPCOMING_SESSIONS)
    assert [session.starts_at for session in shown] == sorted(
        session.starts_at for session in shown
    )


@pytest.mark.django_db
def test_catalogue_makes_the_same_queries_for_ten_and_a_hundred_workshops(client, catalogue):
    program = ProgramFactory()

    def queries_for_catalogue():
        client.get("/en/workshops/")  # warm: the site's settings row is created on first use
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/workshops/")
        assert response.status_code == 200
        return len(captured), len(listed(response))

    WorkshopPageFactory.create_batch(10, parent=catalogue, program=program)
    queries_for_ten, shown = queries_for_catalogue()
    assert shown == 10
    WorkshopPageFactory.create_batch(90, parent=catalogue, program=program)
    queries_for_a_hundred, shown = queries_for_catalogue()
    assert shown == 100

    assert queries_for_a_hundred == queries_for_ten


@pytest.mark.django_db
def test_the_catalogue_fetches_only_the_sessions_it_shows(client, catalogue):
    workshop = WorkshopPageFactory(parent=catalogue)
    soon = timezone.now() + timedelta(days=3)
    for day in range(WorkshopIndexPage.UPCOMING_SESSIONS + 8):
        SessionFactory(workshop=workshop, start=soon + timedelta(days=day))
    client.get("/en/workshops/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/workshops/")
    assert len(response.context["upcoming_sessions"]) == WorkshopIndexPage.UPCOMING_SESSIONS
    [sessions_query] = [
        query["sql"] for query in queries if 'FROM "courses_session"' in query["sql"]
    ]
    assert f"LIMIT {WorkshopIndexPage.UPCOMING_SESSIONS}" in sessions_query
