"""`/search/`: a query and filters in; the entries this visitor may see out, with facets,
sorting, marked snippets and caption lines, and a CSV of the whole result set."""

import csv
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from wagtail.models import Locale

from heritage.models import EntryPage, EthnicGroup
from heritage.models.site import EthnicGroupIndexPage, paginate, visible_entries
from search.facets import apply_filters, build_facets, entry_values, selected_filters
from search.folding import fold
from search.query import matching_entries, suggestions
from search.snippets import CueHit, cue_hits, highlight, snippet

MAX_QUERY_LENGTH = 200
MIN_AUTOCOMPLETE_LENGTH = 2
AUTOCOMPLETE_SIZE = 8
CSV_COLUMNS = ("title", "ethnic_groups", "places", "documented_on", "languages", "url", "licence")


def _by_date(ids: list[int]) -> list[int]:
    """Newest recordings first; undated ones last, by publication."""
    dates = EntryPage.objects.filter(pk__in=ids).values_list("pk", "documented_on", "first_published_at")
    keyed = {pk: (documented is not None, documented, published) for pk, documented, published in dates}
    return sorted(ids, key=lambda pk: keyed[pk][:1] + (keyed[pk][1] or keyed[pk][2].date(),), reverse=True)


@dataclass
class Result:
    entry: EntryPage
    title: SafeString
    snippet: SafeString | None
    cue_hits: list[CueHit]


def _results(entries: list[EntryPage], query: str) -> list[Result]:
    """The current page's entries with what matched marked: title, the first passage of
    summary or text that matches, and caption lines to play from."""
    language = get_language()
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
            )
        )
    return results


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    selected = selected_filters(request.GET)
    sort = "date" if request.GET.get("sort") == "date" else "relevance"
    context = {"query": query, "results": None, "facets": [], "selected": selected, "sort": sort}
    if query or selected:
        entries = visible_entries(request, EntryPage, locale=Locale.get_active())
        if query:
            matches = matching_entries(entries, query)
            ids, context["from_fallback"], context["truncated"] = matches.ids, matches.from_fallback, matches.truncated
            context["max_matches"] = len(ids)
        else:
            ids = list(entries.order_by("-first_published_at").values_list("pk", flat=True))
        values = entry_values(ids)
        ids = apply_filters(ids, values, selected)
        if sort == "date" or not query:
            ids = _by_date(ids)
        if request.GET.get("format") == "csv":
            return _csv(request, ids)
        context["facets"] = build_facets(ids, values, selected, request.GET)
        page = paginate(request, ids)
        shown = EntryPage.objects.filter(pk__in=page.object_list).prefetch_related("ethnic_groups", "places__place")
        by_id = shown.specific().in_bulk()
        page.object_list = _results([by_id[pk] for pk in page.object_list if pk in by_id], query)
        context["results"] = page
        context["csv_url"] = "?" + _with(request, format="csv")
        context["sort_urls"] = {name: "?" + _with(request, sort=name, page=None) for name in ("relevance", "date")}
    return TemplateResponse(request, "search/search.html", context)


def autocomplete(request: HttpRequest) -> JsonResponse:
    """Suggestions as the visitor types: entry titles they may see, and ethnic groups by
    any of their names, with or without tone marks."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
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
                {"name": group.name, "url": f"{group_index.url}{group.code}/" if group_index else ""}
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


def _csv(request: HttpRequest, ids: list[int]) -> StreamingHttpResponse:
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
                yield writer.writerow(
                    [
                        page.title,
                        "; ".join(group.name for group in page.ethnic_groups.all()),
                        "; ".join(str(place) for place in page.places.all()),
                        page.documented_on.isoformat() if page.documented_on else "",
                        "; ".join(language.name for language in languages),
                        page.get_permalink(),
                        page.get_licence_display(),
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heritage-search-results.csv"'
    return response
