"""Search in each language of the site: words are stemmed in the reader's language on PostgreSQL."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

import pytest

from search.backends.postgres import LanguagePostgresSearchBackend
from tests.factories import WorkshopPageFactory, translate_page
from tests.search.test_search import found

needs_stemming = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="only PostgreSQL stems words; set DATABASE_URL=postgres://... to run it",
)


@pytest.fixture
def negotiation(catalogue):
    """A workshop on bargaining, in English and in French."""
    english = WorkshopPageFactory(
        parent=catalogue,
        title="Negotiation skills",
        summary="Preparing proposals and meeting the employer.",
    )
    translate_page(
        english,
        title="Négociation collective : les bases",
        summary="Préparer les demandes et rencontrer l'employeur.",
    )
    return english


@pytest.mark.django_db
def test_each_language_finds_its_own_pages(client, negotiation):
    assert found(client.get("/en/search/", {"query": "negotiation"})) == ["Negotiation skills"]
    assert found(client.get("/fr/search/", {"query": "négociation"})) == [
        "Négociation collective : les bases"
    ]


@pytest.mark.django_db
@pytest.mark.postgres
@needs_stemming
@pytest.mark.parametrize("query", ["négocier", "négociations", "négociateurs"])
def test_a_french_query_is_stemmed_in_french(client, negotiation, query):
    response = client.get("/fr/search/", {"query": query})

    assert found(response) == ["Négociation collective : les bases"]


@pytest.mark.django_db
@pytest.mark.postgres
@needs_stemming
def test_a_french_summary_is_stemmed_in_french(client, catalogue):
    english = WorkshopPageFactory(parent=catalogue, title="Bargaining", summary="The table.")
    translate_page(english, title="À la table", summary="Les étapes d'une négociation.")

    assert found(client.get("/fr/search/", {"query": "négocier"})) == ["À la table"]


@pytest.mark.django_db
@pytest.mark.postgres
@needs_stemming
def test_an_english_query_is_still_stemmed_in_english(client, negotiation):
    response = client.get("/en/search/", {"query": "negotiating"})

    assert found(response) == ["Negotiation skills"]


@pytest.mark.django_db
@pytest.mark.postgres
@needs_stemming
def test_update_index_stems_each_language_in_its_own_way(client, negotiation):
    call_command("update_index", stdout=StringIO())

    assert found(client.get("/fr/search/", {"query": "négocier"})) == [
        "Négociation collective : les bases"
    ]
    assert found(client.get("/en/search/", {"query": "negotiating"})) == ["Negotiation skills"]


@pytest.mark.parametrize(
    ("language_code", "config"),
    [("fr", "french"), ("fr-ca", "french"), ("en", "english"), ("de", "simple"), (None, "simple")],
)
def test_each_language_has_its_configuration_and_others_the_backends_own(language_code, config):
    backend = LanguagePostgresSearchBackend(
        {"SEARCH_CONFIG": "simple", "LANGUAGE_SEARCH_CONFIGS": {"en": "english", "fr": "french"}}
    )

    assert backend.config_for(language_code) == config
