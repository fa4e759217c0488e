"""Open data: Wagtail's API v2, pages only, showing each caller what the public site
shows them (`heritage.access.visible_to`): anonymous callers get public entries, a
signed-in researcher also the researchers-only ones, nobody a restricted entry outside
their groups."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from heritage.access import visible_to
from heritage.serializers import IIIFManifestField


class ArchivePageSerializer(PageSerializer):
    iiif_manifest = IIIFManifestField(read_only=True)


class ArchivePagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = ArchivePageSerializer
    meta_fields = PagesAPIViewSet.meta_fields + ["iiif_manifest"]

    def filter_queryset(self, queryset):
        # Wagtail passes it on unchecked, and the search backend refuses anything else.
        if self.request.GET.get("search_operator", "and") not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return super().filter_queryset(queryset)

    def get_base_queryset(self):
        """Wagtail's site scoping (the site's tree and its translations), with the
        archive's visibility rule instead of Wagtail's per-restriction exclusions."""
        try:
            site = SiteFilterValidator(site=self.request.GET.get("site"), request=self.request).site_obj
        except ValueError as error:
            raise BadRequestError(str(error)) from error
        queryset = visible_to(Page.objects.all(), self.request.user)
        if site is None:
            return queryset.none()
        in_site = queryset.descendant_of_q(site.root_page, inclusive=True)
        for translation in site.root_page.get_translations():
            in_site |= queryset.descendant_of_q(translation, inclusive=True)
        return queryset.filter(in_site)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ArchivePagesAPIViewSet)
