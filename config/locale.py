"""Language prefixes: a path outside them that no route knows is sent to its Vietnamese
form (`/festivals/` → `/vi/festivals/`), but a 404 answered by a real view outside the
prefixes (the API, files, embeds, oEmbed, citation links) stays a 404, so it reads the
same whether the thing is unknown or not the visitor's to see."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ArchiveLocaleMiddleware(LocaleMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 404 and getattr(request, "resolver_match", None) is not None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
