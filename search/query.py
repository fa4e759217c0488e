"""Where a query becomes results: one page of the entries a visitor may see, best (or
newest) first, with the total and the facet counts.

A search node answers in one request: it filters by the visitor's access and the chosen
facets, counts the facets, and returns the page's ids. Without a node, or while it is
down (search/backends.py), the database index gives the ids of every match, best first,
and the facets are counted and filtered in SQL on all of them."""

from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import translation

from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, And, Not, Or, Phrase, PlainText, SearchQuery

from heritage.folding import fold
from heritage.models import EntryPage
from heritage.stemming import stem_words
from search.backends import FALLBACK_BACKEND
from search.database_index import id_set, match_ids, ranked_ids
from search.facets import count_entries, filter_entries, media_keys
from search.group_names import QueryReading, group_names, read_query
from search.models import MissedIndexChange
from search.plain_text import query_text
from search.query_syntax import map_text, parse

# Pages and the CSV reach at most this many best matches; the total and the facet counts
# cover every match.
MAX_MATCHES = 2000
DATE_FIELDS = ("pk", "documented_on", "first_published_at")


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
    loosened = _loosened(parsed)
    folds = getattr(get_search_backend(backend_name), "folds_queries", False)
    if folds or _same(loosened, parsed) or len(exact) >= MAX_MATCHES:
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


@dataclass
class _DatabaseMatches:
    # Every match, best first (or the best MAX_MATCHES where the index cannot give them all).
    ranked: list[int]
    # The visitor's entries among them, to filter and count in SQL.
    entries: QuerySet
    from_fallback: bool = False
    truncated: bool = False


def _database_matches(entries, query: str, backend: str, read_groups: bool = True) -> _DatabaseMatches:
    """As `matching_entries` (as typed, then folded or stemmed), but every match, each FTS5
    MATCH run once (search/database_index.py); without a query, every entry, newest first.
    Group names in the query are read as on a search node (search/group_names.py)."""
    if not query:
        return _DatabaseMatches(list(entries.order_by("-first_published_at").values_list("pk", flat=True)), entries)
    parsed = parse(query_text(query))
    if isinstance(parsed, SearchQuery):
        ranked = _syntax_ranked(entries, parsed, backend)
        return _DatabaseMatches(ranked, entries.filter(pk__in=id_set(ranked)))
    if read_groups and parsed:
        reading = read_query(parsed, group_names())
        if reading.names:
            return _group_matches(entries, parsed, reading, backend)
    exact = entries.search(parsed, operator="and", backend=backend)
    ranked = ranked_ids(exact)
    if ranked is None:
        matches = matching_entries(entries, query, backend)
        return _DatabaseMatches(
            matches.ids, entries.filter(pk__in=matches.ids), matches.from_fallback, matches.truncated
        )
    ranked = _together_first(parsed, ranked, backend)
    condition = Q(pk__in=match_ids(exact))
    loosened = _loosened(parsed)
    if not getattr(get_search_backend(backend), "folds_queries", False) and not _same(loosened, parsed):
        more = entries.search(loosened, operator="and", backend=backend)
        seen = set(ranked)
        ranked += _together_first(loosened, [pk for pk in ranked_ids(more) or [] if pk not in seen], backend)
        condition |= Q(pk__in=match_ids(more))
    return _DatabaseMatches(ranked, entries.filter(condition), getattr(exact, "from_fallback", False))


def _together_first(words: str, ranked: list[int], backend: str) -> list[int]:
    """The entries with the words side by side first: folded, the words of "Nam Dong"
    (Nam Đông) are also in every text with "năm" and "cộng đồng"."""
    if len(ranked) < 2 or len(words.split()) < 2:
        return ranked
    together = set(_text_ranked(EntryPage.objects.all(), Phrase(words), backend))
    return sorted(ranked, key=lambda pk: pk not in together)


def _syntax_ranked(entries, query: SearchQuery, backend: str) -> list[int]:
    """The matches of a query with syntax, best first, combined over whole entries as on a
    search node: each word or phrase is a query of its own (as typed, then loosened; group
    names read in it), then And, Or and Not combine their matches. An exclusion leaves
    out what it matches in either form."""
    if isinstance(query, PlainText):
        return _database_matches(entries, query.query_string, backend).ranked
    if isinstance(query, Phrase):
        ranked = _text_ranked(entries, query, backend)
        loosened = _loosened(query)
        if not _same(loosened, query):
            ranked += [pk for pk in _text_ranked(entries, loosened, backend) if pk not in set(ranked)]
        return ranked
    if isinstance(query, Or):
        return _merged([_syntax_ranked(entries, subquery, backend) for subquery in query.subqueries])
    if isinstance(query, And):
        wanted = [subquery for subquery in query.subqueries if not isinstance(subquery, Not)]
        unwanted = [subquery.subquery for subquery in query.subqueries if isinstance(subquery, Not)]
        lists = [_syntax_ranked(entries, subquery, backend) for subquery in wanted]
        keep = set.intersection(*(set(ranked) for ranked in lists)) if lists else None
        drop = {pk for subquery in unwanted for pk in _syntax_ranked(entries, subquery, backend)}
        if keep is None:
            lists = [list(entries.order_by("-first_published_at").values_list("pk", flat=True))]
            keep = set(lists[0])
        return [pk for pk in _merged(lists) if pk in keep and pk not in drop]
    return []


def _text_ranked(entries, query: SearchQuery, backend: str) -> list[int]:
    results = entries.search(query, operator="and", backend=backend)
    ranked = ranked_ids(results)
    return ranked if ranked is not None else [page.pk for page in results[:MAX_MATCHES]]


def _merged(lists: list[list[int]]) -> list[int]:
    """The ids of several rankings, each at its best place in any of them."""
    best: dict[int, int] = {}
    for ranked in lists:
        for place, pk in enumerate(ranked):
            best[pk] = min(place, best.get(pk, place))
    return sorted(best, key=best.__getitem__)


def _group_matches(entries, query: str, reading: QueryReading, backend: str) -> _DatabaseMatches:
    """The matches of a query that names ethnic groups, as the search node finds them: a
    query that is only a group name finds that group's entries and nothing else (the
    folded name is often an ordinary word: "tho" is also "Phú Thọ"); a marked name inside
    a longer query must match an entry's group or that exact spelling in its text, the
    group's entries first, and the other words match as usual."""
    exact_text = entries.search(query, operator="and", backend=backend)
    text_ranked = ranked_ids(exact_text) or [page.pk for page in exact_text[:MAX_MATCHES]]
    if reading.whole:
        members = set(entries.filter(ethnic_groups__code__in=reading.names[0].codes).values_list("pk", flat=True))
        newest = entries.filter(pk__in=id_set(members)).order_by("-first_published_at").values_list("pk", flat=True)
        ranked = [pk for pk in text_ranked if pk in members]
        ranked += [pk for pk in newest if pk not in set(ranked)]
        return _DatabaseMatches(ranked, entries.filter(pk__in=id_set(members)))
    found = _database_matches(entries, reading.rest, backend, read_groups=False)
    keep = set(found.entries.values_list("pk", flat=True))
    in_groups = keep
    for name in reading.names:
        members = set(entries.filter(ethnic_groups__code__in=name.codes).values_list("pk", flat=True))
        spelled = entries.search(name.text, operator="and", backend=backend)
        spelled_ids = set(ranked_ids(spelled) or [page.pk for page in spelled[:MAX_MATCHES]])
        keep &= members | spelled_ids
        in_groups = in_groups & members
    first = set(text_ranked)
    ranked = [pk for pk in found.ranked if pk in keep]
    # The group's entries first, those matching the whole query as typed before the others.
    ranked.sort(key=lambda pk: (pk not in in_groups, pk not in first))
    return _DatabaseMatches(ranked, entries.filter(pk__in=id_set(keep)), found.from_fallback, found.truncated)


def _loosened(parsed):
    """The query once tone marks are ignored, or on the English site once English words are
    reduced to their stems."""
    return map_text(parsed, stem_words if translation.get_language() == "en" else fold)


def _same(loosened, parsed) -> bool:
    return repr(loosened) == repr(map_text(parsed, str.lower))


def _database_page(
    entries, query: str, filters: dict[str, list[str]], by_date: bool, offset: int, size: int, backend: str
) -> ResultPage:
    """Filters, counts and the date order on the whole set of matches, in SQL; only the
    ids themselves come back, best first."""
    if query:
        found = _database_matches(entries, query, backend)
        rows = filter_entries(found.entries, filters).order_by()
    else:
        # Every visible entry matches, newest first: the order, filters and dates in one query.
        found = _DatabaseMatches([], entries)
        rows = filter_entries(entries, filters).order_by("-first_published_at")
    dates = {pk: (documented, published) for pk, documented, published in rows.values_list(*DATE_FIELDS)}
    ranked = found.ranked if query else list(dates)
    keep = set(dates)
    media = media_keys(keep)
    if filters.get("has"):
        keep = {pk for pk in keep if media.get(pk, set()) & set(filters["has"])}
    # The match set once more, by id, so that counting does not search again.
    narrowed = EntryPage.objects.filter(pk__in=id_set(keep))
    ids = [pk for pk in ranked if pk in keep]
    if by_date:
        ids = _by_date(ids, dates)
    if offset >= len(ids):
        offset = max(0, len(ids) - 1) // size * size
    counts = count_entries(narrowed)
    counts["has"] = Counter(key for pk in ids for key in media.get(pk, ()))
    from_fallback = found.from_fallback or backend == FALLBACK_BACKEND
    truncated = found.truncated or len(ids) > MAX_MATCHES
    page = ids[offset : min(offset + size, MAX_MATCHES)]
    return ResultPage(page, offset, len(ids), counts, from_fallback, truncated)


def _by_date(ids: list[int], dates: dict[int, tuple]) -> list[int]:
    """Newest recordings first; undated ones last, by publication; ties keep their order.
    `dates`: id → (date recorded, first published)."""
    return sorted(ids, key=lambda pk: (dates[pk][0] is not None, dates[pk][0] or dates[pk][1].date()), reverse=True)


def _stale_entry_ids() -> list[int]:
    """Entries whose last change the node missed while it was down: left out of its answers
    until `catch_up_search_index` sends them, as their access may have changed."""
    page_types = ContentType.objects.get_for_models(EntryPage, *EntryPage.__subclasses__()).values()
    missed = MissedIndexChange.objects.filter(content_type__in=page_types)
    return [int(pk) for pk in missed.values_list("object_id", flat=True)]
