"""`/search/`: a query string in, the entries this visitor may see out."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from wagtail.models import Locale

from heritage.models import EntryPage
from heritage.models.site import paginate, visible_entries
from search.folding import fold

MAX_QUERY_LENGTH = 200


def matching_entries(entries, query: str) -> list[int]:
    """Ids of matching entries: those matching the query as typed first, then those
    matching only once tone marks are ignored ("le hoi" finds "Lễ hội")."""
    exact = [page.pk for page in entries.search(query, order_by_relevance=True)]
    folded_query = fold(query)
    if folded_query == query.lower():
        return exact
    seen = set(exact)
    folded = [page.pk for page in entries.search(folded_query, order_by_relevance=True) if page.pk not in seen]
    return exact + folded


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        entries = visible_entries(request, EntryPage, locale=Locale.get_active())
        ids = matching_entries(entries, query)
        by_id = EntryPage.objects.filter(pk__in=ids).specific().in_bulk()
        results = paginate(request, [by_id[pk] for pk in ids if pk in by_id])
    return TemplateResponse(request, "search/search.html", {"query": query, "results": results})
