"""Where a query becomes results: one page of the entries a visitor may see, best (or
newest) first, with the total and the facet counts.

A search node answers in one request: it filters by the visitor's access and the chosen
facets, counts the facets, and returns the page's ids. Without a node, or while it is
down (search/backends.py), the database index gives the ids of the best matches and the
facets are counted and filtered in SQL."""

from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL

from heritage.folding import fold
from heritage.models import EntryPage
from heritage.stemming import stem_words
from search.backends import FALLBACK_BACKEND
from search.facets import apply_filters, count_values, entry_values
from search.models import MissedIndexChange
from search.plain_text import query_text
from search.query_syntax import map_text, parse

# Pages, sorting by date and the CSV reach at most this many best matches, so a query that
# matches most of the archive stays fast. On the database index, facets count only these.
MAX_MATCHES = 2000


@dataclass
class Matches:
    ids: list[int]
    # True when the search node could not answer and the database index did.
    from_fallback: bool = False

    @property
    def truncated(self) -> bool:
        return len(self.ids) >= MAX_MATCHES


@dataclass
class ResultPage:
    """Ids of the entries from `offset`, best first, of `total` matches the visitor may
    see; `counts` are facet name → key → entries among all of them."""

    ids: list[int]
    offset: int
    total: int
    counts: dict[str, Counter]
    from_fallback: bool = False
    # True when pages reach only the best MAX_MATCHES of the matches.
    truncated: bool = False

    @property
    def reachable(self) -> int:
        """How many of the matches the pages reach."""
        return min(self.total, MAX_MATCHES)


def matching_entries(entries, query: str, backend: str = "default") -> Matches:
    """Ids of the best matches of the query read with the archive's syntax, as typed first;
    on a backend whose analyzers do not fold, then those that match only once tone marks
    are ignored ("le hoi" finds "Lễ hội") or, on the English site, once English words are
    reduced to their stems ("festivals" finds "festival")."""
    parsed = parse(query_text(query))
    # Every word must match, on every backend, as researchers expect of a catalogue.
    results = entries.search(parsed, operator="and", backend=backend)[:MAX_MATCHES]
    exact = [page.pk for page in results]
    from_fallback = getattr(results, "from_fallback", False)
    backend_name = FALLBACK_BACKEND if from_fallback else backend
    loosened = map_text(parsed, stem_words if translation.get_language() == "en" else fold)
    folds = getattr(get_search_backend(backend_name), "folds_queries", False)
    if folds or repr(loosened) == repr(map_text(parsed, str.lower)) or len(exact) >= MAX_MATCHES:
        return Matches(exact, from_fallback)
    seen = set(exact)
    more = entries.search(loosened, backend=backend_name, operator="and")[: MAX_MATCHES + len(exact)]
    return Matches((exact + [page.pk for page in more if page.pk not in seen])[:MAX_MATCHES], from_fallback)


def result_page(
    entries, query: str, filters: dict[str, list[str]], by_date: bool, offset: int, size: int
) -> ResultPage:
    """One page of results for `/search/`. Without a query, every entry the visitor may see
    matches, newest first. An offset past the last match gives the last page."""
    offset = max(0, min(offset, MAX_MATCHES - size))
    by_date = by_date or not query
    results = _node_results(entries, query)
    if results is not None:
        stale = _stale_entry_ids()
        answer = results.faceted_page(filters, by_date, offset, size, exclude=stale)
        if answer is not None and answer.ids == [] and 0 < answer.total <= offset:
            offset = (min(answer.total, MAX_MATCHES) - 1) // size * size
            answer = results.faceted_page(filters, by_date, offset, size, exclude=stale)
        if answer is not None:
            offset = offset if answer.total else 0
            # Entries hidden since their last indexing, as loading them would.
            visible = set(entries.filter(pk__in=answer.ids).values_list("pk", flat=True))
            ids = [pk for pk in answer.ids if pk in visible]
            return ResultPage(ids, offset, answer.total, answer.counts, truncated=answer.total > MAX_MATCHES)
        return _database_page(entries, query, filters, by_date, offset, size, FALLBACK_BACKEND)
    return _database_page(entries, query, filters, by_date, offset, size, "default")


def all_matches(entries, query: str, filters: dict[str, list[str]], by_date: bool) -> Matches:
    """Ids of the best `MAX_MATCHES` results, for the CSV."""
    by_date = by_date or not query
    results = _node_results(entries, query)
    if results is not None:
        ids = results.filtered_pks(filters, by_date, MAX_MATCHES, exclude=_stale_entry_ids())
        if ids is not None:
            visible = set(entries.filter(pk__in=ids).values_list("pk", flat=True))
            return Matches([pk for pk in ids if pk in visible])
    page = _database_page(entries, query, filters, by_date, 0, MAX_MATCHES, FALLBACK_BACKEND if results else "default")
    return Matches(page.ids, page.from_fallback)


def suggestions(queryset, query: str, limit: int) -> Matches:
    """Ids of the best `limit` items whose autocomplete fields start with the query's words."""
    results = get_search_backend().autocomplete(query, queryset)[:limit]
    return Matches([item.pk for item in results], getattr(results, "from_fallback", False))


def _node_results(entries, query: str):
    """The search node's lazy results for the query, or None when there is no node."""
    if not hasattr(get_search_backend(), "unavailable_errors"):
        return None
    return entries.search(query, operator="and") if query else entries.search(MATCH_ALL)


def _database_page(
    entries, query: str, filters: dict[str, list[str]], by_date: bool, offset: int, size: int, backend: str
) -> ResultPage:
    if query:
        matches = matching_entries(entries, query, backend)
        ids, from_fallback, truncated = matches.ids, matches.from_fallback, matches.truncated
    else:
        ids = list(entries.order_by("-first_published_at").values_list("pk", flat=True))
        from_fallback = truncated = False
    from_fallback = from_fallback or backend == FALLBACK_BACKEND
    values = entry_values(ids)
    ids = apply_filters(ids, values, filters)
    if by_date:
        ids = _by_date(ids)
    if offset >= len(ids):
        offset = max(0, len(ids) - 1) // size * size
    counts = count_values(ids, values)
    return ResultPage(ids[offset : offset + size], offset, len(ids), counts, from_fallback, truncated)


def _by_date(ids: list[int]) -> list[int]:
    """Newest recordings first; undated ones last, by publication."""
    dates = EntryPage.objects.filter(pk__in=ids).values_list("pk", "documented_on", "first_published_at")
    keyed = {pk: (documented is not None, documented, published) for pk, documented, published in dates}
    return sorted(ids, key=lambda pk: keyed[pk][:1] + (keyed[pk][1] or keyed[pk][2].date(),), reverse=True)


def _stale_entry_ids() -> list[int]:
    """Entries whose last change the node missed while it was down: left out of its answers
    until `catch_up_search_index` sends them, as their access may have changed."""
    page_types = ContentType.objects.get_for_models(EntryPage, *EntryPage.__subclasses__()).values()
    missed = MissedIndexChange.objects.filter(content_type__in=page_types)
    return [int(pk) for pk in missed.values_list("object_id", flat=True)]
