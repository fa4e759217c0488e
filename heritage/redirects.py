"""Wagtail's redirects from old addresses, except to a page the visitor may not see: the
old address of a hidden entry answers the same 404 as an unknown address, since a
redirect would tell that the entry exists and give its new address."""

from urllib.parse import urlparse

from django.http import HttpRequest, HttpResponse

from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from heritage.access import user_may_view_page


def redirect_for(request: HttpRequest) -> Redirect | None:
    """The redirect Wagtail's middleware follows for this request (same lookup)."""
    path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
    return get_redirect(request, path) or get_redirect(request, urlparse(path).path)


class VisibleRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        redirected = super().process_response(request, response)
        if redirected is response:
            return response
        redirect = redirect_for(request)
        page = Page.objects.filter(pk=redirect.redirect_page_id).first() if redirect is not None else None
        if page is not None and not user_may_view_page(request.user, page):
            return response
        return redirected
