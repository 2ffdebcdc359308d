"""Site search at /search/: public workshops only, narrowed by program and audience."""

import pytest

from courses.choices import Audience
from tests.factories import FacilitatorGuidePageFactory, ProgramFactory, WorkshopPageFactory


def found(response):
    """Titles of the workshops on this page of results."""
    return sorted(result.title for result in response.context["search_results"])


@pytest.fixture
def bargaining(db):
    return ProgramFactory(title="Bargaining Program", slug="bargaining")


@pytest.fixture
def health(db):
    return ProgramFactory(title="Health and Safety", slug="health-and-safety")


@pytest.fixture
def workshops(catalogue, bargaining, health):
    return [
        WorkshopPageFactory(
            parent=catalogue,
            title="Bargaining basics",
            summary="From the member survey to ratification.",
            program=bargaining,
            audience=Audience.ALL_MEMBERS,
        ),
        WorkshopPageFactory(
            parent=catalogue,
            title="Strategic bargaining for the executive",
            summary="Planning a bargaining campaign.",
            program=bargaining,
            audience=Audience.LOCAL_EXECUTIVE,
        ),
        WorkshopPageFactory(
            parent=catalogue,
            title="Workplace inspections",
            summary="Walk the floor with the joint health and safety committee.",
            program=health,
            audience=Audience.ALL_MEMBERS,
        ),
    ]


@pytest.mark.django_db
def test_search_finds_matching_workshops_and_not_others(client, workshops):
    response = client.get("/en/search/", {"query": "bargaining"})

    assert response.status_code == 200
    assert found(response) == ["Bargaining basics", "Strategic bargaining for the executive"]
    assert "Bargaining basics" in response.text
    assert workshops[0].url in response.text
    assert "Workplace inspections" not in response.text


@pytest.mark.django_db
def test_search_finds_words_of_the_summary(client, workshops):
    response = client.get("/en/search/", {"query": "inspections"})

    assert found(response) == ["Workplace inspections"]


@pytest.mark.django_db
def test_program_filter_narrows_the_results(client, workshops):
    response = client.get("/en/search/", {"query": "bargaining", "program": "bargaining"})
    assert len(found(response)) == 2

    response = client.get("/en/search/", {"query": "bargaining", "program": "health-and-safety"})
    assert found(response) == []


@pytest.mark.django_db
def test_audience_filter_narrows_the_results(client, workshops):
    response = client.get(
        "/en/search/", {"query": "bargaining", "audience": Audience.LOCAL_EXECUTIVE}
    )

    assert response.status_code == 200
    assert found(response) == ["Strategic bargaining for the executive"]
    assert response.context["filters"]["audience"] == Audience.LOCAL_EXECUTIVE


@pytest.mark.django_db
def test_an_unknown_audience_is_ignored(client, workshops):
    response = client.get("/en/search/", {"query": "bargaining", "audience": "astronauts"})

    assert response.status_code == 200
    assert len(found(response)) == 2
    assert response.context["filters"]["audience"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_shows_no_results_and_no_error(client, workshops, query):
    response = client.get("/en/search/", {"query": query})

    assert response.status_code == 200
    assert found(response) == []
    assert "Bargaining basics" not in response.text


@pytest.mark.django_db
def test_no_query_at_all_shows_the_search_form(client, workshops):
    response = client.get("/en/search/")

    assert response.status_code == 200
    assert 'name="query"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "staff"])
def test_a_facilitator_guide_never_appears(client_as, users, workshops, role):
    FacilitatorGuidePageFactory(
        parent=workshops[0],
        title="Bargaining basics: facilitator guide",
        introduction="<p>Secret bargaining role-play answers.</p>",
    )

    response = client_as(users[role]).get("/en/search/", {"query": "bargaining"})

    assert response.status_code == 200
    assert len(found(response)) == 2
    assert "facilitator guide" not in response.text.lower()
    assert "/guide/" not in response.text
    assert "Secret" not in response.text


@pytest.mark.django_db
def test_draft_workshops_never_appear(client, catalogue):
    WorkshopPageFactory(parent=catalogue, title="Bargaining draft", live=False)

    response = client.get("/en/search/", {"query": "bargaining"})

    assert found(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", ""])
def test_a_garbage_page_number_shows_the_first_page(client, workshops, page):
    response = client.get("/en/search/", {"query": "bargaining", "page": page})

    assert response.status_code == 200
    assert response.context["search_results"].number == 1
    assert len(found(response)) == 2


@pytest.mark.django_db
def test_results_are_paginated(client, catalogue):
    WorkshopPageFactory.create_batch(12, parent=catalogue, summary="Organising at work.")

    first = client.get("/en/search/", {"query": "organising"})
    second = client.get("/en/search/", {"query": "organising", "page": "2"})

    assert len(first.context["search_results"]) == 10
    assert len(second.context["search_results"]) == 2
    assert 'rel="next"' in first.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"query": "bargaining\x00"},
        {"query": "bargaining", "program": "a\x00b"},
        {"query": "x" * 5000},
        {"query": '"unbalanced (AND OR NOT *'},
    ],
    ids=["nul-query", "nul-program", "long-query", "operators"],
)
def test_odd_input_never_breaks_search(client, workshops, params):
    response = client.get("/en/search/", params)

    assert response.status_code == 200
