"""`/search/`: a query string in, the entries this visitor may see out."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from wagtail.models import Locale

from heritage.models import EntryPage
from heritage.models.site import paginate, visible_entries

MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        entries = visible_entries(request, EntryPage, locale=Locale.get_active())
        results = paginate(request, entries.search(query, order_by_relevance=True))
    return TemplateResponse(request, "search/search.html", {"query": query, "results": results})
