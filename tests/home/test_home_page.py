"""The landing page: what the education program offers."""

import pytest

from tests.factories import ProgramFactory, WorkshopPageFactory


@pytest.mark.django_db
def test_the_home_page_shows_its_heading_and_programs(client, catalogue):
    bargaining = ProgramFactory(title="Bargaining Program")
    ProgramFactory(title="Local Executive Training")
    WorkshopPageFactory(parent=catalogue, title="Bargaining basics", program=bargaining)

    response = client.get("/en/")

    assert response.status_code == 200
    assert "Learn together, win together" in response.text
    assert "Bargaining Program" in response.text
    assert "Local Executive Training" in response.text
    assert "Bargaining basics" in response.text
    assert 'href="/en/workshops/"' in response.text


@pytest.mark.django_db
def test_the_home_page_hides_draft_workshops(client, catalogue):
    program = ProgramFactory(title="Bargaining Program")
    WorkshopPageFactory(parent=catalogue, title="Unpublished idea", program=program, live=False)

    response = client.get("/en/")

    assert response.status_code == 200
    assert "Unpublished idea" not in response.text


@pytest.mark.django_db
def test_the_home_page_renders_without_a_catalogue_or_programs(client, home_page):
    response = client.get("/en/")

    assert response.status_code == 200
    assert "Learn together, win together" in response.text
