"""gzip for pages, never for files: Django's GZipMiddleware, except for responses that
stream a file or answer byte ranges (recordings, playlists, downloads). Those are mostly
compressed already, players ask them by range, and a gzipped body would not match the
length and ranges the file view announces."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming or response.has_header("Accept-Ranges"):
            return response
        return super().process_response(request, response)
