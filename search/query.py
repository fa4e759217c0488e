"""Where a query becomes results: the ids of matching entries, best first, from the search
node when there is one, or from the database index when there is none or it is down."""

import logging
from dataclasses import dataclass

from django.conf import settings

from modelsearch.backends import get_search_backend

from search.folding import fold

logger = logging.getLogger(__name__)

FALLBACK_BACKEND = "fallback"
# Facets, sorting by date and the CSV work on at most this many best matches, so a query
# that matches most of the archive stays fast; filters narrow within them.
MAX_MATCHES = 2000


@dataclass
class Matches:
    ids: list[int]
    # True when the search node could not answer and the database index did.
    from_fallback: bool = False

    @property
    def truncated(self) -> bool:
        return len(self.ids) >= MAX_MATCHES


def _ids(entries, query: str, backend_name: str) -> list[int]:
    """Matches as typed first, then those matching only once tone marks are ignored, on a
    backend whose analyzers do not fold ("le hoi" finds "Lễ hội")."""
    backend = get_search_backend(backend_name)
    exact = [page.pk for page in entries.search(query, backend=backend_name)[:MAX_MATCHES]]
    folded_query = fold(query)
    if getattr(backend, "folds_queries", False) or folded_query == query.lower() or len(exact) >= MAX_MATCHES:
        return exact
    seen = set(exact)
    folded = entries.search(folded_query, backend=backend_name)[: MAX_MATCHES + len(exact)]
    return (exact + [page.pk for page in folded if page.pk not in seen])[:MAX_MATCHES]


def matching_entries(entries, query: str) -> Matches:
    return _with_fallback(lambda backend_name: _ids(entries, query, backend_name))


def suggestions(queryset, query: str, limit: int) -> Matches:
    """Ids of the best `limit` items whose autocomplete fields start with the query's words."""

    def run(backend_name: str) -> list[int]:
        return [item.pk for item in get_search_backend(backend_name).autocomplete(query, queryset)[:limit]]

    return _with_fallback(run)


def _with_fallback(run) -> Matches:
    if FALLBACK_BACKEND not in settings.WAGTAILSEARCH_BACKENDS:
        return Matches(run("default"))
    try:
        return Matches(run("default"))
    except get_search_backend().unavailable_errors:
        # The node refused, timed out, lost its index or failed: the database index is
        # kept current beside it, so visitors still get answers.
        logger.warning("The search node did not answer; searching the database index.", exc_info=True)
        return Matches(run(FALLBACK_BACKEND), from_fallback=True)
