"""The search node's indexes, always made by the archive.

`manage.py migrate` (a post_migrate handler, search/apps.py) and the first write of each
process check every index the node backend uses: one that is missing, or that was made
with another version of the archive's settings and mappings, is rebuilt from the database
the way `update_index` does (a new index behind the alias). A node that does not answer
during `migrate` is logged, and the first write builds the index instead.

`search_index_report()` is the index state `/healthz` shows to staff."""

import logging

from django.conf import settings
from django.db.models import Model

from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models

from search.backends import MAPPING_VERSION, mapping_version

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
# Indexes this process has seen exist: checked once, not before every write.
_checked: set[tuple[str, str]] = set()


def node_backends() -> list:
    from search.backends import _ArchiveBackend

    backends = (get_search_backend(name) for name in settings.WAGTAILSEARCH_BACKENDS)
    return [backend for backend in backends if isinstance(backend, _ArchiveBackend)]


def indexed_version(backend, index) -> str | None:
    """The mapping version an existing index (or the index behind an alias) was made with."""
    answer = backend.es.indices.get_mapping(index=index.name)
    versions = {body["mappings"].get("_meta", {}).get(MAPPING_VERSION) for body in dict(answer).values()}
    return versions.pop() if len(versions) == 1 else None


def _models_by_index(backend) -> dict:
    grouped: dict = {}
    for model in get_indexed_models():
        index = backend.get_index_for_model(model)
        grouped.setdefault(index.name, (index, []))[1].append(model)
    return grouped


def rebuild(backend, index, models: list[type]) -> int:
    """Fill a new index with the models' objects and point the alias at it; the number of
    objects indexed."""
    rebuilder = backend.rebuilder_class(index)
    new_index = rebuilder.start()
    for model in models:
        new_index.add_model(model)
    count = 0
    for model in models:
        objects = model.get_indexed_objects().order_by("pk")
        last = None
        while True:
            chunk = list((objects.filter(pk__gt=last) if last is not None else objects)[:CHUNK_SIZE])
            if not chunk:
                break
            new_index.add_items(model, chunk)
            count += len(chunk)
            last = chunk[-1].pk
    rebuilder.finish()
    return count


def ensure_indexes(backend) -> list[str]:
    """Rebuild every index of the backend that is missing or out of date; their names."""
    rebuilt = []
    for name, (index, models) in _models_by_index(backend).items():
        expected = mapping_version(backend.mapping_class)
        if index.exists() and indexed_version(backend, index) == expected:
            _checked.add(_key(backend, name))
            continue
        count = rebuild(backend, index, models)
        logger.warning("Built the search index %s (mapping %s): %d objects.", name, expected, count)
        _checked.add(_key(backend, name))
        rebuilt.append(name)
    return rebuilt


def _key(backend, name: str) -> tuple[str, str]:
    # A new backend object comes with every get_search_backend(); its node and index do not.
    return (repr(getattr(backend, "hosts", None)), name)


def ensure_index(backend, model: type[Model]) -> None:
    """Before a write: build the model's index once if it does not exist."""
    index = backend.get_index_for_model(model)
    key = _key(backend, index.name)
    if key in _checked:
        return
    if not index.exists():
        models = _models_by_index(backend)[index.name][1]
        count = rebuild(backend, index, models)
        logger.warning("Built the missing search index %s before a write: %d objects.", index.name, count)
    _checked.add(key)


def ensure_after_migrate(**kwargs) -> None:
    for backend in node_backends():
        try:
            ensure_indexes(backend)
        except backend.unavailable_errors as error:
            from search.backends import refused

            if refused(error):
                raise
            logger.warning("The search node did not answer; its index is built on the first write.", exc_info=True)


def search_index_report() -> dict:
    """The entry index on the node: whether it exists, its mapping version against the
    one this code makes, and documents in it against entries in the database."""
    from heritage.models import EntryPage

    backends = node_backends()
    if not backends:
        return {"backend": "database"}
    backend = backends[0]
    index = backend.get_index_for_model(EntryPage)
    expected = mapping_version(backend.mapping_class)
    report = {"index": index.name, "expected_mapping_version": expected}
    try:
        exists = bool(index.exists())
        version = indexed_version(backend, index) if exists else None
        indexed = _count_entries(backend, index.name) if exists else 0
    except backend.unavailable_errors as error:
        return {**report, "exists": None, "error": f"{type(error).__name__}: {error}"}
    return {
        **report,
        "exists": exists,
        "mapping_version": version,
        "current": version == expected,
        "entries_indexed": indexed,
        # Every entry page, drafts too, as Wagtail indexes them.
        "entries_in_database": EntryPage.objects.count(),
    }


def _count_entries(backend, name: str) -> int:
    query = {"term": {"_django_content_type": "heritage.EntryPage"}}
    if backend.use_new_elasticsearch_api:
        return backend.es.count(index=name, query=query)["count"]
    return backend.es.count(index=name, body={"query": query})["count"]
