"""PostgreSQL full text search in the language of each page and of each reader.

Every backend writes the same table of index entries, one row per object, so languages cannot
each have a backend of their own: the last to index an object would overwrite the others'
vectors. This backend instead builds each object's vectors with the configuration of the
object's language, and parses a query with the configuration of the active language, which is
the language of the pages a reader searches.
"""

import copy
from collections import defaultdict

from django.utils import translation

from wagtail.models import Locale, TranslatableMixin
from wagtail.search.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)


class LanguageIndex(PostgresIndex):
    """Index entries whose vectors are stemmed in their object's language."""

    def add_items(self, model, objs):
        if not issubclass(model, TranslatableMixin):
            return super().add_items(model, objs)

        languages = dict(Locale.objects.values_list("pk", "language_code"))
        objs_by_config = defaultdict(list)
        for obj in objs:
            objs_by_config[self.backend.config_for(languages.get(obj.locale_id))].append(obj)
        for config, config_objs in objs_by_config.items():
            PostgresIndex(self.backend.with_config(config)).add_items(model, config_objs)


class LanguageSearchQueryCompiler(PostgresSearchQueryCompiler):
    """Whole-word queries stemmed in the active language (autocomplete does not stem)."""

    def get_config(self, backend):
        return backend.config_for(translation.get_language())


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    """Wagtail's PostgreSQL backend with a text search configuration per language."""

    index_class = LanguageIndex
    query_compiler_class = LanguageSearchQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.language_configs = params.get("LANGUAGE_SEARCH_CONFIGS", {})

    def config_for(self, language_code):
        """The configuration for ``language_code`` ("fr" or "fr-ca"), or the backend's own."""
        if not language_code:
            return self.config
        generic_code = language_code.split("-")[0]
        return self.language_configs.get(
            language_code, self.language_configs.get(generic_code, self.config)
        )

    def with_config(self, config):
        """This backend, with ``config`` as its configuration."""
        backend = copy.copy(self)
        backend.config = config
        return backend
