"""Whole public pages for anonymous visitors, served from the page cache.

A request is answered from the cache only when nothing about the visitor can change the
page: a GET or HEAD with no session or messages cookie and no credentials, for a path
under a language prefix (outside the account pages), with only query parameters that
pages read (search words, filters, page number) and a short query string. A response is
stored only when it is a 200 HTML page for an anonymous visitor that sets no cookie,
used no CSRF token and is not marked private. Keys hold the site-wide generation (see
generation.py), today's date (embargoes and consent end dates pass with no save), the
host, the scheme, whether the visitor takes gzip, and the full path with its query."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import cc_delim_re

from .generation import CACHE_ALIAS, current_generation, generation_held

CACHED_PARAMETERS = frozenset(
    {"q", "page", "sort", "group", "place", "province", "type", "language", "decade", "has", "notice"}
)
MAX_QUERY_STRING = 200
UNCACHED_PATHS = ("account/", "_util/", "search/autocomplete/")
UNCACHEABLE_CONTROL = {"private", "no-store", "no-cache"}
MESSAGES_COOKIE = "messages"
STATUS_HEADER = "X-Page-Cache"


def _language_prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path
    prefix = next((prefix for prefix in _language_prefixes() if path.startswith(prefix)), None)
    if prefix is None or path[len(prefix) :].startswith(UNCACHED_PATHS):
        return False
    query = request.META.get("QUERY_STRING", "")
    return len(query) <= MAX_QUERY_STRING and set(request.GET) <= CACHED_PARAMETERS


def cache_key(request: HttpRequest, generation: str) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    address = f"{request.scheme}://{host}{request.get_full_path()}|{'gzip' if gzip else 'plain'}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page-cache:{generation}:{timezone.localdate().isoformat()}:{digest}"


def cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if control & UNCACHEABLE_CONTROL:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class AnonymousPageCacheMiddleware:
    """Place after WhiteNoise and before GZip and the session: a hit skips everything
    below, and what is stored is already compressed for visitors who take gzip."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with generation_held():
            return self._respond(request)

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        if not cacheable_request(request):
            return self.get_response(request)
        # The generation is read before the page is rendered: a page rendered while its
        # content changes is stored under the generation the change has just replaced.
        key = cache_key(request, current_generation())
        if key is None:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        stored = cache.get(key)
        if stored is not None:
            return self._from_cache(request, stored)
        response = self.get_response(request)
        if cacheable_response(request, response):
            stored = (response.status_code, list(response.items()), response.content)
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _from_cache(request: HttpRequest, stored: tuple) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
        for name, value in headers:
            response[name] = value
        response[STATUS_HEADER] = "hit"
        return response
