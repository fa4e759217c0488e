"""Citation downloads: one entry (`/<lang>/cite/<entry key>/<format>/`), or the current
search results (`/<lang>/search/cite/<format>/`, the same query parameters as /search/)."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from wagtail.models import Locale

from citations.formats import FORMATS, Format
from citations.references import reference_for
from heritage.access import user_may_view_page
from heritage.addresses import current_language
from heritage.models import EntryPage
from heritage.models.site import visible_entries
from search.facets import selected_filters
from search.plain_text import query_text
from search.query import all_matches

# A reference manager imports a few hundred at most; the CSV serves larger sets.
MAX_EXPORTED = 500


def _format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError as error:
        raise Http404 from error


def _download(content: str, chosen: Format, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=chosen.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{chosen.extension}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def entry_citation(request: HttpRequest, key: uuid.UUID, format: str) -> HttpResponse:
    """The entry in the visitor's language when they may open that translation, else in
    the first one they may; 404 when they may open none."""
    chosen = _format(format)
    translations = EntryPage.objects.filter(translation_key=key).live().select_related("locale").specific()
    language = current_language()
    candidates = sorted(translations, key=lambda page: (page.locale.language_code != language, page.pk))
    entry = next((page for page in candidates if user_may_view_page(request.user, page)), None)
    if entry is None:
        raise Http404
    return _download(chosen.write([reference_for(entry)]), chosen, entry.slug or "entry")


@require_safe
def search_citations(request: HttpRequest, format: str) -> HttpResponse:
    """The first `MAX_EXPORTED` results that /search/ shows this visitor for these parameters."""
    chosen = _format(format)
    query = query_text(request.GET.get("q", ""))
    by_date = request.GET.get("sort") == "date" or not query
    entries = visible_entries(request, EntryPage, locale=Locale.get_active())
    ids = all_matches(entries, query, selected_filters(request.GET), by_date).ids[:MAX_EXPORTED]
    pages = (
        entries.filter(pk__in=ids)
        .select_related("locale")
        .prefetch_related("ethnic_groups", "places__place")
        .specific()
    )
    by_id = {page.pk: page for page in pages}
    references = [reference_for(by_id[pk]) for pk in ids if pk in by_id]
    return _download(chosen.write(references), chosen, "heritage-search-results")
