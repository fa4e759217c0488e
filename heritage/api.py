"""Open data: Wagtail's API v2, pages only. Wagtail's pages endpoint already limits
itself to live pages without view restrictions, so restricted entries never show."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
