"""The archive's search backends for a search node: modelsearch's Elasticsearch 8 and
OpenSearch 2 backends with our analysis (search/analysis.py), an English copy of all text
that queries also search, and a record of every change the node missed while it was down,
for `manage.py catch_up_search_index`.

Select one with `ELASTICSEARCH_URL` or `OPENSEARCH_URL`; settings then keep the database
backend as a second, always-current index that searches fall back to."""

import logging
from copy import deepcopy

import elastic_transport
import elasticsearch
import opensearchpy

from django.conf import settings
from django.db import models

from modelsearch.backends import elasticsearch8, get_search_backend, opensearch2
from modelsearch.backends.elasticsearchbase import ElasticsearchAutocompleteQueryCompilerImpl, Field
from modelsearch.utils import deep_update

from search.analysis import ENGLISH_TEXT, index_settings

logger = logging.getLogger(__name__)

FALLBACK_BACKEND = "fallback"


class _ArchiveMapping:
    edgengram_analyzer_config = {"analyzer": "edgengram_analyzer", "search_analyzer": "folded_query"}

    def get_mapping(self) -> dict:
        """modelsearch's mapping, with every field copied into `_all_text` also copied into
        an English field (a multi-field of `_all_text` would not receive copied values)."""
        mapping = super().get_mapping()

        def also_english(properties: dict) -> None:
            for field in properties.values():
                targets = field.get("copy_to")
                if targets:
                    targets = [targets] if isinstance(targets, str) else targets
                    field["copy_to"] = [*targets, ENGLISH_TEXT] if "_all_text" in targets else targets
                if field.get("type") == "nested":
                    also_english(field["properties"])

        also_english(mapping["properties"])
        # An explicit search analyzer, or the index-wide `default_search` would win over "english".
        mapping["properties"][ENGLISH_TEXT] = {"type": "text", "analyzer": "english", "search_analyzer": "english"}
        return mapping


class _ArchiveIndex:
    def settings_body(self) -> dict:
        return deep_update(deepcopy(self.backend.settings), {"settings": index_settings()})


class _ArchiveQueryCompiler:
    def _remap_fields(self, fields):
        remapped = super()._remap_fields(fields)
        if not fields:
            remapped.append(Field(ENGLISH_TEXT))
        return remapped


class _FallbackResults:
    """Results that come from the database index when the node cannot answer (refused,
    timed out, index missing, failing), so every search box (ours, the admin's, the API's)
    keeps answering. `from_fallback` tells which index answered."""

    from_fallback = False

    def _fallback(self, error: Exception):
        if FALLBACK_BACKEND not in settings.WAGTAILSEARCH_BACKENDS:
            raise error
        logger.warning("The search node did not answer; searching the database index.", exc_info=True)
        self.from_fallback = True
        compiler = self.query_compiler
        database = get_search_backend(FALLBACK_BACKEND)
        if isinstance(compiler, ElasticsearchAutocompleteQueryCompilerImpl):
            compiler_class = database.autocomplete_query_compiler_class
        else:
            compiler_class = database.query_compiler_class
        results = database._search(
            compiler_class,
            compiler.query,
            compiler.queryset,
            fields=compiler.fields,
            order_by_relevance=compiler.order_by_relevance,
        )
        return results[self.start : self.stop]

    def pks(self) -> list:
        """The matching primary keys, best first, from one request that loads nothing from
        the database (iterating scrolls 100 hits at a time and loads each hundred)."""
        try:
            response = self._backend_do_search(
                self._get_es_body(),
                index=self.backend.get_index_for_model(self.query_compiler.queryset.model).name,
                _source=False,
                # A document's _id is its object's pk (get_document_id).
                filter_path="hits.hits._id",
                size=self.stop if self.stop is not None else 10_000,
            )
        except self.backend.unavailable_errors as error:
            return [obj.pk for obj in self._fallback(error)]
        to_python = self.query_compiler.queryset.model._meta.pk.to_python
        # filter_path leaves out "hits" altogether when nothing matched.
        hits = response["hits"]["hits"] if "hits" in response else []
        return [to_python(hit["_id"]) for hit in hits][self.start :]

    def _do_search(self):
        try:
            return list(super()._do_search())
        except self.backend.unavailable_errors as error:
            return list(self._fallback(error))

    def _do_count(self) -> int:
        try:
            return super()._do_count()
        except self.backend.unavailable_errors as error:
            return self._fallback(error).count()

    def facet(self, field_name: str):
        try:
            return super().facet(field_name)
        except self.backend.unavailable_errors as error:
            return self._fallback(error).facet(field_name)


class _ArchiveBackend:
    # The analyzers fold queries, so one query finds marked and unmarked text alike.
    folds_queries = True

    def add(self, obj: models.Model) -> None:
        try:
            super().add(obj)
        except Exception:
            _remember(obj, deleted=False)
            raise

    def delete(self, obj: models.Model) -> None:
        try:
            super().delete(obj)
        except Exception:
            _remember(obj, deleted=True)
            raise


def _remember(obj: models.Model, deleted: bool) -> None:
    from search.models import MissedIndexChange

    MissedIndexChange.remember(obj, deleted=deleted)


class Elasticsearch8Mapping(_ArchiveMapping, elasticsearch8.Elasticsearch8Mapping):
    pass


class Elasticsearch8Index(_ArchiveIndex, elasticsearch8.Elasticsearch8Index):
    def put(self) -> None:
        self.es.indices.create(index=self.name, **self.settings_body())


class Elasticsearch8QueryCompiler(_ArchiveQueryCompiler, elasticsearch8.Elasticsearch8SearchQueryCompiler):
    mapping_class = Elasticsearch8Mapping


class Elasticsearch8AutocompleteQueryCompiler(elasticsearch8.Elasticsearch8AutocompleteQueryCompiler):
    mapping_class = Elasticsearch8Mapping


class Elasticsearch8SearchResults(_FallbackResults, elasticsearch8.Elasticsearch8SearchResults):
    pass


class Elasticsearch8Backend(_ArchiveBackend, elasticsearch8.Elasticsearch8SearchBackend):
    mapping_class = Elasticsearch8Mapping
    index_class = Elasticsearch8Index
    query_compiler_class = Elasticsearch8QueryCompiler
    autocomplete_query_compiler_class = Elasticsearch8AutocompleteQueryCompiler
    results_class = Elasticsearch8SearchResults
    unavailable_errors = (elastic_transport.TransportError, elasticsearch.ApiError)


class OpenSearch2Mapping(_ArchiveMapping, opensearch2.OpenSearch2Mapping):
    pass


class OpenSearch2Index(_ArchiveIndex, opensearch2.OpenSearch2Index):
    def put(self) -> None:
        self.es.indices.create(index=self.name, body=self.settings_body())


class OpenSearch2QueryCompiler(_ArchiveQueryCompiler, opensearch2.OpenSearch2SearchQueryCompiler):
    mapping_class = OpenSearch2Mapping


class OpenSearch2AutocompleteQueryCompiler(opensearch2.OpenSearch2AutocompleteQueryCompiler):
    mapping_class = OpenSearch2Mapping


class OpenSearch2SearchResults(_FallbackResults, opensearch2.OpenSearch2SearchResults):
    pass


class OpenSearch2Backend(_ArchiveBackend, opensearch2.OpenSearch2SearchBackend):
    mapping_class = OpenSearch2Mapping
    index_class = OpenSearch2Index
    query_compiler_class = OpenSearch2QueryCompiler
    autocomplete_query_compiler_class = OpenSearch2AutocompleteQueryCompiler
    results_class = OpenSearch2SearchResults
    unavailable_errors = (opensearchpy.exceptions.TransportError,)
