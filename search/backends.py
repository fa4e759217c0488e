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

import hashlib
import json
import logging
import unicodedata
from collections import Counter
from copy import copy, deepcopy
from dataclasses import dataclass
from functools import cache

import elastic_transport
import elasticsearch
import opensearchpy

from django.conf import settings
from django.db import models

from modelsearch.backends import database, elasticsearch8, get_search_backend, opensearch2
from modelsearch.backends.elasticsearchbase import ElasticsearchAutocompleteQueryCompilerImpl, Field
from modelsearch.index import SearchField, get_indexed_models
from modelsearch.query import And, Not, Or, Phrase, PlainText
from modelsearch.utils import deep_update

from heritage.folding import fold
from search.analysis import ENGLISH_TEXT, index_settings
from search.facets import FACET_NAMES, entry_keys
from search.group_names import GroupName, group_names, read_query, words
from search.plain_text import plain_query
from search.query_syntax import whole_entry_query

logger = logging.getLogger(__name__)

FALLBACK_BACKEND = "fallback"
# Each entry's facet keys (search/facets.py), one keyword field per facet.
FACETS = "_facets"
FACET_BUCKETS = 500
# Stored in each index's mapping (`_meta`): the version of the archive's settings and
# mappings it was made with (search/node_index.py).
MAPPING_VERSION = "archive_mapping_version"
# An entry of a group the query names scores this much over its text matches, so the
# group's entries come before entries that only mention the name.
GROUP_SCORE = 50.0
# A match only through a typo counts this little (typos are tried only when the query as
# typed matches nothing).
TYPO_BOOST = 0.01
# 4xx answers that mean "busy", not "wrong".
_BUSY_STATUSES = (408, 429)


@dataclass
class NodePage:
    ids: list[int]
    total: int
    counts: dict[str, Counter]


def _is_entry_model(model: type) -> bool:
    from heritage.models import EntryPage

    return issubclass(model, EntryPage)


def composed(value):
    """Text (or a modelsearch query, or a document) with every string in Unicode NFC:
    phones and some keyboards send Vietnamese as letters plus combining marks, which the
    index would otherwise read as other words."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: composed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(composed(item) for item in value)
    if hasattr(value, "query_string") or hasattr(value, "subqueries") or hasattr(value, "subquery"):
        value = copy(value)
        if hasattr(value, "query_string"):
            value.query_string = composed(value.query_string)
        if hasattr(value, "subqueries"):
            value.subqueries = [composed(item) for item in value.subqueries]
        if hasattr(value, "subquery"):
            value.subquery = composed(value.subquery)
    return value


@cache
def mapping_version(mapping_class: type) -> str:
    """A short hash of the index settings and every indexed model's mapping: an index made
    with another version lacks analyzers or fields that queries use."""
    mappings = {model._meta.label: mapping_class(model).archive_mapping() for model in get_indexed_models()}
    payload = json.dumps({"settings": index_settings(), "mappings": mappings}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


# How much words side by side count, beside how often and where the words occur.
TOGETHER_BOOST = 10


class _ArchiveMapping:
    edgengram_analyzer_config = {"analyzer": "edgengram_analyzer", "search_analyzer": "folded_query"}

    def get_mapping(self) -> dict:
        mapping = self.archive_mapping()
        mapping["_meta"] = {MAPPING_VERSION: mapping_version(type(self))}
        return mapping

    def archive_mapping(self) -> dict:
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
        document = composed(super().get_document(obj))
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
    # Set by the results when the query as typed matched nothing: the words spelled nowhere
    # in the index, which then match with a typo, on the folded text.
    typo_words: set[str] = frozenset()

    def _remap_fields(self, fields):
        remapped = super()._remap_fields(fields)
        if not fields:
            remapped.append(Field(ENGLISH_TEXT))
        return remapped

    def get_inner_query(self):
        """The archive's query syntax (And, Or, Not of words and phrases) combined over whole
        entries (search/query_syntax.py), not field by field as modelsearch does."""
        if isinstance(self.query, (And, Or, Not)):
            fields = self.remapped_fields
            return whole_entry_query(
                self.query,
                lambda leaf: (
                    self._compile_phrase_query(leaf, fields)
                    if isinstance(leaf, Phrase)
                    else self._compile_plaintext_query(leaf, fields)
                ),
            )
        return super().get_inner_query()

    def _compile_plaintext_query(self, query, fields, boost=1.0):
        """The query's words, with the ethnic-group names in it (search/group_names.py)
        matched against the entries' groups: a query that is only a group name finds that
        group's entries; a marked name inside a longer query finds the group's entries
        first, then entries with that exact spelling in their text."""
        text = composed(query.query_string)
        if not _is_entry_model(self.queryset.model):
            return self._words(query, text, fields, boost)
        reading = read_query(text, group_names())
        if not reading.names:
            return self._together_first(self._words(query, text, fields, boost), text)
        must = [self._group_clause(name, reading.whole) for name in reading.names]
        if reading.rest:
            must.append(self._words(query, reading.rest, fields, boost))
        # Ranks the entries that match by all of the query's text.
        ranking = super()._compile_plaintext_query(PlainText(text, operator="or", boost=query.boost), fields, boost)
        return {"bool": {"must": must, "should": [ranking]}}

    def _words(self, query, text: str, fields, boost: float) -> dict:
        typed = words(text)
        if not self.typo_words.intersection(typed):
            return super()._compile_plaintext_query(PlainText(text, query.operator, query.boost), fields, boost)
        column = self._folded_text_column()
        clauses = []
        for word in typed:
            if word in self.typo_words:
                fuzzy = {"query": fold(word), "fuzziness": "AUTO", "analyzer": "folded_query", "boost": TYPO_BOOST}
                clauses.append({"match": {column: fuzzy}})
            else:
                clauses.append(super()._compile_plaintext_query(PlainText(word, boost=query.boost), fields, boost))
        return {"bool": {"must" if query.operator == "and" else "should": clauses}}

    def _together_first(self, clause: dict, text: str) -> dict:
        """Ranks the entries with the words side by side first: folded, the words of
        "Nam Dong" (Nam Đông) are also in every text with "năm" and "cộng đồng"."""
        if len(words(text)) < 2:
            return clause
        together = {"match_phrase": {"_all_text": {"query": text, "boost": TOGETHER_BOOST}}}
        return {"bool": {"must": [clause], "should": [together]}}

    def _group_clause(self, name: GroupName, whole: bool) -> dict:
        group = {"constant_score": {"filter": {"terms": {f"{FACETS}.group": name.codes}}, "boost": GROUP_SCORE}}
        if whole:
            return group
        spelled = {"match_phrase": {"_all_text": {"query": name.text, "analyzer": "exact_query"}}}
        return {"bool": {"should": [group, spelled]}}

    def _folded_text_column(self) -> str | None:
        for field in self.get_searchable_fields():
            if isinstance(field, SearchField) and field.field_name == "folded_text":
                return self.mapping.get_field_column_name(field)
        return None


class _FallbackResults:
    """Results that come from the database index when the node cannot answer (refused,
    timed out, index missing, failing), so every search box (ours, the admin's, the API's)
    keeps answering. `from_fallback` tells which index answered."""

    from_fallback = False

    def _note_unavailable(self, error: Exception) -> None:
        """Unreachable, timed out or failing (5xx): the database index answers. A request the
        node refuses (4xx: a missing index, a mapping the archive did not make) is an error
        to fix, raised."""
        if refused(error):
            logger.error("The search node refused a request: %s", error)
            raise error
        if FALLBACK_BACKEND not in settings.WAGTAILSEARCH_BACKENDS:
            raise error
        logger.warning("The search node did not answer; searching the database index.", exc_info=True)
        self.from_fallback = True

    def _typos_allowed(self) -> bool:
        """Whether a query that matched nothing may be tried again with typos: when some of
        its words are spelled, as typed, nowhere in the index. Those words then match with
        a typo, for the rest of this search; the others still match as typed."""
        compiler = self.query_compiler
        if compiler.typo_words or not isinstance(compiler, _ArchiveQueryCompiler):
            return False
        if not isinstance(compiler.query, PlainText) or compiler._folded_text_column() is None:
            return False
        typed = list(dict.fromkeys(words(compiler.query.query_string)))
        if not typed:
            return False
        body = {
            "size": 0,
            "aggs": {
                "known": {
                    "filters": {
                        "filters": {
                            str(position): {"match": {"_all_text": {"query": word, "analyzer": "exact_query"}}}
                            for position, word in enumerate(typed)
                        }
                    }
                }
            },
        }
        index = self.backend.get_index_for_model(compiler.queryset.model).name
        buckets = self._backend_do_search(body, index=index)["aggregations"]["known"]["buckets"]
        compiler.typo_words = {word for position, word in enumerate(typed) if not buckets[str(position)]["doc_count"]}
        return bool(compiler.typo_words)

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

        def search() -> dict:
            return self._filtered_search(
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

        try:
            response = search()
            if not response.get("hits", {}).get("total", {}).get("value") and self._typos_allowed():
                response = search()
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

        def search() -> list:
            response = self._filtered_search(filters, by_date, exclude, size=size, filter_path="hits.hits._id")
            return self._hit_ids(response)

        try:
            ids = search()
            if not ids and self._typos_allowed():
                ids = search()
        except self.backend.unavailable_errors as error:
            self._note_unavailable(error)
            return None
        return ids

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
            results = list(super()._do_search())
            if not results and not self.start and self._typos_allowed():
                results = list(super()._do_search())
            return results
        except self.backend.unavailable_errors as error:
            return list(self._fallback(error))

    def _do_count(self) -> int:
        try:
            count = super()._do_count()
            if not count and self._typos_allowed():
                count = super()._do_count()
            return count
        except self.backend.unavailable_errors as error:
            return self._fallback(error).count()

    def facet(self, field_name: str):
        try:
            return super().facet(field_name)
        except self.backend.unavailable_errors as error:
            return self._fallback(error).facet(field_name)


def refused(error: Exception) -> bool:
    """A 4xx answer from the node (other than "busy"): the request was wrong, not the node
    unavailable."""
    status = getattr(getattr(error, "meta", None), "status", None)  # elasticsearch 8
    if status is None:
        status = getattr(error, "status_code", None)  # opensearch-py; "N/A" without an answer
    return isinstance(status, int) and 400 <= status < 500 and status not in _BUSY_STATUSES


class _PlainQueries:
    """The one door of every search and autocomplete into an index: the query goes in as
    plain words, in Unicode NFC."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        syntax = query_compiler_class is not self.autocomplete_query_compiler_class
        return super()._search(query_compiler_class, plain_query(composed(query), syntax), model_or_queryset, **kwargs)


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
            self._ensure_index(type(obj))
            super().add(obj)
        except Exception:
            _remember(obj, deleted=False)
            raise

    def add_bulk(self, model: type, obj_list) -> None:
        obj_list = list(obj_list)
        try:
            self._ensure_index(model)
            super().add_bulk(model, obj_list)
        except Exception:
            for obj in obj_list:
                _remember(obj, deleted=False)
            raise

    def _ensure_index(self, model: type) -> None:
        """Before the first write of this process to an index: make it with the archive's
        mapping if it is missing (the node would otherwise make one from the document,
        without our analyzers or keyword fields)."""
        from search.node_index import ensure_index

        ensure_index(self, model)

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

    def exists(self) -> bool:
        # modelsearch passes the name positionally, which the elasticsearch 8 client refuses (TypeError).
        return bool(self.es.indices.exists(index=self.name))


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
