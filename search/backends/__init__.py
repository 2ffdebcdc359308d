"""The site's search backend: Wagtail's database backend, stemming each language in its own way
on PostgreSQL.

``WAGTAILSEARCH_BACKENDS`` names this module. Its ``LANGUAGE_SEARCH_CONFIGS`` option maps a
language code to the PostgreSQL text search configuration of that language ("fr": "french");
``SEARCH_CONFIG`` serves everything else. Other databases do not stem words and take Wagtail's
backend as it is.
"""

from django.db import connection

from wagtail.search.backends import database


def SearchBackend(params):
    """The backend for the database the site runs on (Wagtail looks for this name in the module
    a backend setting names)."""
    if connection.vendor == "postgresql":
        from .postgres import LanguagePostgresSearchBackend

        return LanguagePostgresSearchBackend(params)
    return database.SearchBackend(params)
