"""`/search/`: a query and filters in; the entries this visitor may see out, with facets,
sorting, marked snippets and caption lines, and a CSV of the whole result set."""

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.safestring import SafeString

from wagtail.blocks import StreamValue
from wagtail.models import Locale

from heritage.access import entry_levels
from heritage.addresses import current_language
from heritage.cards import groups_and_places_of
from heritage.folding import fold
from heritage.models import EntryPage, EthnicGroup, Place
from heritage.models.site import ENTRIES_PER_PAGE, EthnicGroupIndexPage, visible_entries
from page_cache.memo import per_generation_function
from search.did_you_mean import did_you_mean
from search.facets import build_facets, selected_filters
from search.plain_text import plain_words, query_text
from search.query import ResultPage, all_matches, result_page, suggestions
from search.query_syntax import wanted_words
from search.snippets import CueHit, cue_hits, highlight, snippet

MIN_AUTOCOMPLETE_LENGTH = 2
AUTOCOMPLETE_SIZE = 8
CSV_COLUMNS = ("title", "ethnic_groups", "places", "documented_on", "languages", "url", "licence")
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Result:
    entry: EntryPage
    title: SafeString
    snippet: SafeString | None
    cue_hits: list[CueHit]
    groups: list[EthnicGroup]
    places: list[Place]


@per_generation_function
def _active_locale(language: str) -> Locale:
    """`Locale.get_active()` for the active language, given to key what is kept."""
    return Locale.get_active()


def _load_blocks(streams: list[StreamValue], type_names: Sequence[str]) -> None:
    """Convert the blocks of these types in all the streams at once: StreamValue fills
    `_bound_blocks` from `_raw_data` one stream at a time (a query per stream and type)."""
    for type_name in type_names if streams else ():
        child_block = streams[0].stream_block.child_blocks[type_name]
        slots = [
            (stream, index, raw)
            for stream in streams
            for index, raw in enumerate(stream._raw_data)
            if raw["type"] == type_name and stream._bound_blocks[index] is None
        ]
        values = child_block.bulk_to_python([raw["value"] for _, _, raw in slots]) if slots else []
        for (stream, index, raw), value in zip(slots, values, strict=True):
            stream._bound_blocks[index] = StreamValue.StreamChild(child_block, value, id=raw.get("id"))


def _with_texts_and_recordings(entries: list[EntryPage]) -> list[EntryPage]:
    """The entries with what a card with a query reads loaded for all of them at once
    (each entry would otherwise load its own, card by card): their texts, the recordings
    of their media lists (pictures and documents are not shown on cards), the caption
    tracks and the entries' levels."""
    _load_blocks([entry.body for entry in entries], list(EntryPage.body.field.stream_block.child_blocks))
    _load_blocks([entry.media for entry in entries], ["audio_video"])
    assets = [block.value["media"] for entry in entries for block in entry.audio_video_blocks]
    prefetch_related_objects([asset for asset in assets if asset is not None], "captions")
    entry_levels(entries)
    return entries


def _results(entries: list[EntryPage], query: str) -> list[Result]:
    """The current page's entries with what matched marked: title, the first passage of
    summary or text that matches, and caption lines to play from."""
    language = current_language()
    groups_and_places = groups_and_places_of([entry.pk for entry in entries])
    results = []
    for entry in entries:
        found = None
        if query:
            texts = [entry.summary, *entry.body.stream_block.get_searchable_content(entry.body)]
            found = next(filter(None, (snippet(text, query) for text in texts if text)), None)
        results.append(
            Result(
                entry=entry,
                title=highlight(entry.title, query),
                snippet=found,
                cue_hits=cue_hits(entry, query, language) if query else [],
                groups=groups_and_places[entry.pk][0],
                places=groups_and_places[entry.pk][1],
            )
        )
    return results


def search(request: HttpRequest) -> HttpResponse:
    """Results for the query read with the archive's syntax (search/query_syntax.py); with
    no query, every entry the visitor may see, newest first, to browse by facets."""
    query = query_text(request.GET.get("q", ""))
    selected = selected_filters(request.GET)
    # Without a query there is no relevance: newest first.
    sort = "date" if request.GET.get("sort") == "date" or not query else "relevance"
    context = {"query": query, "results": None, "facets": [], "selected": selected, "sort": sort}
    entries = visible_entries(request, EntryPage, locale=_active_locale(translation.get_language()))
    if request.GET.get("format") == "csv":
        return _csv(all_matches(entries, query, selected, sort == "date").ids)
    number = _page_number(request.GET.get("page"))
    found = result_page(entries, query, selected, sort == "date", (number - 1) * ENTRIES_PER_PAGE, ENTRIES_PER_PAGE)
    context.update(
        from_fallback=found.from_fallback,
        truncated=found.truncated,
        max_matches=found.reachable,
        total=found.total,
        facets=build_facets(found.counts, selected, request.GET),
    )
    page = Paginator(_Window(found), ENTRIES_PER_PAGE).get_page(found.offset // ENTRIES_PER_PAGE + 1)
    # Cards show nothing of the entry types' own fields: the entries are read as EntryPage.
    by_id = EntryPage.objects.in_bulk(found.ids)
    entries = [by_id[pk] for pk in found.ids if pk in by_id]
    # Caption lines are looked for only when there is a query.
    page.object_list = _results(_with_texts_and_recordings(entries) if query else entries, wanted_words(query))
    context["results"] = page
    context["csv_url"] = "?" + _with(request, format="csv", page=None)
    context["sort_urls"] = {name: "?" + _with(request, sort=name, page=None) for name in ("relevance", "date")}
    if query and not found.total:
        suggestion = did_you_mean(query, current_language())
        if suggestion:
            context["suggestion"] = suggestion
            context["suggestion_url"] = "?" + _with(request, q=suggestion, page=None)
    return TemplateResponse(request, "search/search.html", context)


class _Window(Sequence):
    """The pages a paginator may reach of a result set of which one page is known."""

    def __init__(self, found: ResultPage) -> None:
        self.found = found

    def __len__(self) -> int:
        return self.found.reachable

    def __getitem__(self, index):
        if isinstance(index, slice) and index.start == self.found.offset:
            return self.found.ids
        raise IndexError(index)


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def autocomplete(request: HttpRequest) -> JsonResponse:
    """Suggestions as the visitor types: entry titles they may see, and ethnic groups by
    any of their names, with or without tone marks."""
    query = plain_words(request.GET.get("q", ""))
    if len(query) < MIN_AUTOCOMPLETE_LENGTH:
        return JsonResponse({"query": query, "entries": [], "groups": []})
    entries = visible_entries(request, EntryPage, locale=Locale.get_active())
    entry_ids = suggestions(entries, fold(query), AUTOCOMPLETE_SIZE).ids
    found = EntryPage.objects.in_bulk(entry_ids)
    group_ids = suggestions(EthnicGroup.objects.all(), query, AUTOCOMPLETE_SIZE).ids
    groups = EthnicGroup.objects.in_bulk(group_ids)
    group_index = EthnicGroupIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    return JsonResponse(
        {
            "query": query,
            "entries": [{"title": found[pk].title, "url": found[pk].url} for pk in entry_ids if pk in found],
            "groups": [
                {"name": group.name, "url": group_index.url + group_index.group_path(group) if group_index else ""}
                for group in (groups[pk] for pk in group_ids if pk in groups)
            ],
        }
    )


def _with(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading quote before a
    formula's first character, as OWASP recommends."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv(ids: list[int]) -> StreamingHttpResponse:
    """The whole result set, one row per entry, in the visitor's language."""
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            pages = EntryPage.objects.filter(pk__in=chunk).prefetch_related("ethnic_groups", "places__place").specific()
            by_id = {page.pk: page for page in pages}
            for pk in chunk:
                page = by_id[pk]
                languages = page.content_languages.all() if hasattr(page, "content_languages") else []
                row = [
                    page.title,
                    "; ".join(group.name for group in page.ethnic_groups.all()),
                    "; ".join(str(place) for place in page.places.all()),
                    page.documented_on.isoformat() if page.documented_on else "",
                    "; ".join(language.name for language in languages),
                    page.get_permalink(),
                    str(page.get_licence_display()),
                ]
                yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heritage-search-results.csv"'
    return response
