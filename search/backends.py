"""The archive's search backends. Every one receives queries as plain words
(search/plain_text.py), whichever route asked.

For a search node: modelsearch's Elasticsearch 8 and OpenSearch 2 backends with our
analysis (search/analysis.py), an English copy of all text that queries also search, and a
record of every change the node missed while it was down, for
`manage.py catch_up_search_index`. Select one with `ELASTICSEARCH_URL` or `OPENSEARCH_URL`;
settings then keep the database backend as a second, always-current index that searches
fall back to.

Without a node: modelsearch's database backend for the database in use
(`database_backend`)."""

import logging
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from functools import cache

import elastic_transport
import elasticsearch
import opensearchpy

from django.conf import settings
from django.db import models

from modelsearch.backends import database, elasticsearch8, get_search_backend, opensearch2
from modelsearch.backends.elasticsearchbase import ElasticsearchAutocompleteQueryCompilerImpl, Field
from modelsearch.utils import deep_update

from search.analysis import ENGLISH_TEXT, index_settings
from search.facets import FACET_NAMES, entry_keys
from search.plain_text import plain_query

logger = logging.getLogger(__name__)

FALLBACK_BACKEND = "fallback"
# Each entry's facet keys (search/facets.py), one keyword field per facet.
FACETS = "_facets"
FACET_BUCKETS = 500


@dataclass
class NodePage:
    ids: list[int]
    total: int
    counts: dict[str, Counter]


def _is_entry_model(model: type) -> bool:
    from heritage.models import EntryPage

    return issubclass(model, EntryPage)


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
        if _is_entry_model(self.model):
            mapping["properties"][FACETS] = {"properties": {name: {"type": "keyword"} for name in FACET_NAMES}}
        return mapping

    def get_document(self, obj: models.Model) -> dict:
        document = super().get_document(obj)
        if _is_entry_model(type(obj)):
            keys = getattr(obj, "_facet_keys", None)
            document[FACETS] = keys if keys is not None else entry_keys([obj.pk])[obj.pk]
        return document


class _ArchiveIndex:
    def settings_body(self) -> dict:
        return deep_update(deepcopy(self.backend.settings), {"settings": index_settings()})

    def add_items(self, model: type, items) -> None:
        """Facet keys for a whole chunk of entries come from a few queries, not a few per entry."""
        if _is_entry_model(model):
            items = list(items)
            keys = entry_keys([item.pk for item in items])
            for item in items:
                item._facet_keys = keys[item.pk]
        super().add_items(model, items)


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

    def _note_unavailable(self, error: Exception) -> None:
        if FALLBACK_BACKEND not in settings.WAGTAILSEARCH_BACKENDS:
            raise error
        logger.warning("The search node did not answer; searching the database index.", exc_info=True)
        self.from_fallback = True

    def _fallback(self, error: Exception):
        self._note_unavailable(error)
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

    def faceted_page(
        self, filters: dict[str, list[str]], by_date: bool, offset: int, size: int, exclude: list[int]
    ) -> NodePage | None:
        """One request: the ids of `size` hits from `offset` that have every chosen facet
        key (keys of one facet combine with "or"), their total, and the facet counts among
        them. None when the node cannot answer."""
        try:
            response = self._filtered_search(
                filters,
                by_date,
                exclude,
                from_=offset,
                size=size,
                track_total_hits=True,
                aggregations={
                    name: {"terms": {"field": f"{FACETS}.{name}", "size": FACET_BUCKETS}} for name in FACET_NAMES
                },
                filter_path="hits.total.value,hits.hits._id,aggregations.*.buckets.key,aggregations.*.buckets.doc_count",
            )
        except self.backend.unavailable_errors as error:
            self._note_unavailable(error)
            return None
        aggregations = response.get("aggregations", {})
        buckets = {name: aggregations.get(name, {}).get("buckets", []) for name in FACET_NAMES}
        counts = {name: Counter({item["key"]: item["doc_count"] for item in buckets[name]}) for name in FACET_NAMES}
        return NodePage(self._hit_ids(response), response["hits"]["total"]["value"], counts)

    def filtered_pks(self, filters: dict[str, list[str]], by_date: bool, size: int, exclude: list[int]) -> list | None:
        """The ids of the best `size` hits having the chosen facet keys; None when the node
        cannot answer."""
        try:
            response = self._filtered_search(filters, by_date, exclude, size=size, filter_path="hits.hits._id")
        except self.backend.unavailable_errors as error:
            self._note_unavailable(error)
            return None
        return self._hit_ids(response)

    def _filtered_search(
        self, filters: dict[str, list[str]], by_date: bool, exclude: list[int], aggregations=None, **params
    ) -> dict:
        body = self._get_es_body()
        if aggregations:
            body["aggs"] = aggregations
        query = {"bool": {"must": body["query"]}}
        chosen = [{"terms": {f"{FACETS}.{name}": keys}} for name, keys in filters.items() if keys]
        if chosen:
            query["bool"]["filter"] = chosen
        if exclude:
            query["bool"]["must_not"] = {"ids": {"values": [str(pk) for pk in exclude]}}
        body["query"] = query
        if by_date:
            mapping = self.query_compiler.mapping
            recorded = mapping.get_field_column_name(self.query_compiler._get_filterable_field("documented_on"))
            published = mapping.get_field_column_name(self.query_compiler._get_filterable_field("first_published_at"))
            body["sort"] = [{recorded: {"order": "desc", "missing": "_last"}}, {published: {"order": "desc"}}]
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model).name
        return self._backend_do_search(body, index=index, _source=False, **params)

    def _hit_ids(self, response: dict) -> list:
        to_python = self.query_compiler.queryset.model._meta.pk.to_python
        # filter_path leaves out "hits" altogether when nothing matched.
        return [to_python(hit["_id"]) for hit in response.get("hits", {}).get("hits", [])]

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


class _PlainQueries:
    """The one door of every search and autocomplete into an index: the query goes in as
    plain words."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        syntax = query_compiler_class is not self.autocomplete_query_compiler_class
        return super()._search(query_compiler_class, plain_query(query, syntax), model_or_queryset, **kwargs)


@cache
def _with_plain_queries(backend_class: type) -> type:
    return type(f"Plain{backend_class.__name__}", (_PlainQueries, backend_class), {})


def database_backend(params: dict):
    """modelsearch's database backend for the database in use (SQLite FTS, PostgreSQL,
    MySQL or its plain fallback), receiving plain words."""
    chosen = type(database.SearchBackend(params))
    return _with_plain_queries(chosen)(params)


class _ArchiveBackend(_PlainQueries):
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
