"""Where a query becomes results: the ids of matching entries, best first, from the search
node when there is one, or from the database index when there is none or it is down
(search/backends.py falls back)."""

from dataclasses import dataclass

from modelsearch.backends import get_search_backend

from search.backends import FALLBACK_BACKEND
from search.folding import fold

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


def matching_entries(entries, query: str) -> Matches:
    """Matches as typed first; on a backend whose analyzers do not fold, then those that
    match only once tone marks are ignored ("le hoi" finds "Lễ hội")."""
    # Every word must match, on every backend, as researchers expect of a catalogue.
    results = entries.search(query, operator="and")[:MAX_MATCHES]
    if hasattr(results, "pks"):
        found = results.pks()
        # The node filtered by visibility too; this check keeps out entries hidden since
        # their last indexing, as loading the results would.
        visible = set(entries.filter(pk__in=found).values_list("pk", flat=True))
        exact = [pk for pk in found if pk in visible]
    else:
        exact = [page.pk for page in results]
    from_fallback = getattr(results, "from_fallback", False)
    backend_name = FALLBACK_BACKEND if from_fallback else "default"
    folded_query = fold(query)
    folds = getattr(get_search_backend(backend_name), "folds_queries", False)
    if folds or folded_query == query.lower() or len(exact) >= MAX_MATCHES:
        return Matches(exact, from_fallback)
    seen = set(exact)
    folded = entries.search(folded_query, backend=backend_name, operator="and")[: MAX_MATCHES + len(exact)]
    return Matches((exact + [page.pk for page in folded if page.pk not in seen])[:MAX_MATCHES], from_fallback)


def suggestions(queryset, query: str, limit: int) -> Matches:
    """Ids of the best `limit` items whose autocomplete fields start with the query's words."""
    results = get_search_backend().autocomplete(query, queryset)[:limit]
    return Matches([item.pk for item in results], getattr(results, "from_fallback", False))
