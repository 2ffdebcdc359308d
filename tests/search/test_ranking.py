"""Search ranks the workshop a member means first, over the demo's catalogue of workshops."""

from collections import Counter

from django.db import transaction

import pytest

from courses.choices import Audience
from home.demo.loader import load_programs, load_workshops
from tests.conftest import make_home_page
from tests.factories import WorkshopIndexPageFactory, WorkshopPageFactory, curriculum


def titles(response):
    """Titles of the workshops on this page of results, in the order shown."""
    return [result.title for result in response.context["search_results"]]


@pytest.fixture(scope="module")
def demo_catalogue_once(django_db_setup, django_db_blocker):
    """The catalogue below, made once for the module in a transaction rolled back after its
    last test; each test runs inside it in a savepoint of its own (see ``demo_once``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo_catalogue(WorkshopIndexPageFactory(parent=make_home_page()))
        transaction.set_rollback(True)


@pytest.fixture
def demo_catalogue(demo_catalogue_once, db):
    return demo_catalogue_once


def build_demo_catalogue(catalogue):
    """The demo's ten workshops, and the financial officers' workshop the union also runs.

    Its outline mentions bargaining, strategy and bullying in passing, the way a real day of
    training does, so that ranking by where a word appears is put to the test.
    """
    created = Counter()
    pages = load_workshops(catalogue, load_programs(created), created)
    pages["financial-officers"] = WorkshopPageFactory(
        parent=catalogue,
        title="Financial Officers: Keeping the Local's Books",
        slug="financial-officers",
        summary=(
            "For the treasurer and the trustees: budgets, bank records, audits and the "
            "financial reports members are entitled to."
        ),
        audience=Audience.LOCAL_EXECUTIVE,
        outcomes=[
            "Prepare a budget that funds bargaining, strategic campaigns and education.",
            "Report to members on the local's money in plain words.",
        ],
        curriculum=curriculum(
            360,
            modules=2,
            titles=[
                "Why bargaining and strike funds need a treasurer's plan",
                "Budgets as strategic choices",
            ],
        ),
    )
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("bullying", "Stopping Workplace Bullying"),
        ("bully", "Stopping Workplace Bullying"),
        ("harassment", "Stopping Workplace Bullying"),
        ("treasurer", "Financial Officers: Keeping the Local's Books"),
        ("strategic", "Strategic Planning for Your Local"),
        ("Strategic planning", "Strategic Planning for Your Local"),
        ("conflict", "Handling Conflict"),
        ("collective agreement", "Bargaining: Analyzing Your Collective Agreement"),
    ],
)
def test_the_workshop_a_member_means_comes_first(client, demo_catalogue, query, expected_first):
    response = client.get("/en/search/", {"query": query})

    assert response.status_code == 200
    assert titles(response)[0] == expected_first


@pytest.mark.django_db
def test_bargaining_puts_the_bargaining_workshops_before_any_other(client, demo_catalogue):
    response = client.get("/en/search/", {"query": "bargaining"})

    found = titles(response)
    assert set(found[:2]) == {
        "Bargaining: Analyzing Your Collective Agreement",
        "Bargaining: Mobilizing Members",
    }
    assert "Financial Officers: Keeping the Local's Books" in found[2:]


@pytest.mark.django_db
def test_treasurer_also_finds_the_officers_roles_workshop_after_the_financial_one(
    client, demo_catalogue
):
    response = client.get("/en/search/", {"query": "treasurer"})

    assert titles(response)[:2] == [
        "Financial Officers: Keeping the Local's Books",
        "Union Structure and Local Officers' Roles",
    ]


@pytest.mark.django_db
def test_the_search_page_offers_the_program_and_audience_filters(client, demo_catalogue):
    response = client.get("/en/search/", {"query": "bargaining"})

    assert 'name="program"' in response.text
    assert 'value="bargaining-program"' in response.text
    assert 'name="audience"' in response.text
    assert f'value="{Audience.MOBILIZATION_COMMITTEE}"' in response.text


@pytest.mark.django_db
def test_filters_narrow_the_ranked_results(client, demo_catalogue):
    by_program = client.get("/en/search/", {"query": "bargaining", "program": "bargaining-program"})
    by_audience = client.get(
        "/en/search/", {"query": "bargaining", "audience": Audience.MOBILIZATION_COMMITTEE}
    )
    both = client.get(
        "/en/search/",
        {
            "query": "bargaining",
            "program": "bargaining-program",
            "audience": Audience.LOCAL_EXECUTIVE,
        },
    )

    assert sorted(titles(by_program)) == [
        "Bargaining: Analyzing Your Collective Agreement",
        "Bargaining: Mobilizing Members",
    ]
    assert titles(by_audience) == ["Bargaining: Mobilizing Members"]
    assert titles(both) == ["Bargaining: Analyzing Your Collective Agreement"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"program": "no-such-program"},
        {"audience": "astronauts"},
        {"program": "", "audience": ""},
        {"program": ["bargaining-program", "x"], "audience": "\x00"},
    ],
    ids=["unknown-program", "unknown-audience", "empty", "odd"],
)
def test_unknown_filter_values_are_ignored(client, demo_catalogue, params):
    unfiltered = client.get("/en/search/", {"query": "strategic"})

    response = client.get("/en/search/", {"query": "strategic", **params})

    assert response.status_code == 200
    assert titles(response) == titles(unfiltered)
    assert titles(response)[0] == "Strategic Planning for Your Local"
    assert response.context["filters"]["program"] == ""
    assert response.context["filters"]["audience"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["bargaining -", "'bargaining'", "bargaining's", "-- strategic", "***", "a b c d e f g h"],
)
def test_odd_queries_are_ranked_without_error(client, demo_catalogue, query):
    response = client.get("/en/search/", {"query": query})

    assert response.status_code == 200


@pytest.mark.django_db
def test_ranking_costs_a_fixed_number_of_queries(
    client, demo_catalogue, django_assert_max_num_queries
):
    catalogue = demo_catalogue["financial-officers"].get_parent()
    with django_assert_max_num_queries(12):
        small = client.get("/en/search/", {"query": "bargaining"})

    for number in range(30):
        WorkshopPageFactory(
            parent=catalogue, title=f"Bargaining clinic {number}", summary="Bargaining practice."
        )
    with django_assert_max_num_queries(12):
        large = client.get("/en/search/", {"query": "bargaining"})

    assert len(titles(small)) == 4
    assert large.context["search_results"].paginator.count == 34
