"""Open data: Wagtail's API v2, pages only, showing each caller what the public site
shows them (`heritage.access.visible_to`): anonymous callers get public entries, a
signed-in researcher also the researchers-only ones, nobody a restricted entry outside
their groups.

Entries are filtered by the codes the public pages show (`?ethnic_group=co-tu`,
`?place=<code>`, `?language=<ISO 639-3 or code>`, `?type=festival`); the filters are
described in api_docs/openapi.json, which a test holds to what this module accepts."""

from rest_framework.throttling import AnonRateThrottle

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from wagtail.api.v2.filters import FieldsFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageSerializer
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from heritage.access import visible_to
from heritage.client_address import client_address
from heritage.models import CustomPage, EntryPage, FestivalPage, RecordingPage
from heritage.serializers import IIIFManifestField

# `?type=` takes these short names as well as Wagtail's "app.Model" strings.
TYPE_CODES: dict[str, type[Page]] = {
    "entry": EntryPage,
    "festival": FestivalPage,
    "custom": CustomPage,
    "recording": RecordingPage,
}
# Filters by code, each given one code or several separated by commas (any of them).
# `ethnic_groups` is the name of the field in answers, accepted as a synonym.
CODE_FILTERS = ("ethnic_group", "ethnic_groups", "place", "language")


def entries_matching(name: str, codes: list[str]) -> QuerySet:
    """Entries (any locale) that `?name=codes` selects: a place selects the entries
    recorded there or in a place within it (its communes and villages, three levels)."""
    if name in ("ethnic_group", "ethnic_groups"):
        return EntryPage.objects.filter(ethnic_groups__code__in=codes)
    if name == "place":
        return EntryPage.objects.filter(
            Q(places__place__code__in=codes)
            | Q(places__place__parent__code__in=codes)
            | Q(places__place__parent__parent__code__in=codes)
        )
    spoken = RecordingPage.objects.filter(
        Q(content_languages__iso_639_3__in=codes)
        | Q(content_languages__code__in=codes)
        | Q(described_language__iso_639_3__in=codes)
        | Q(described_language__code__in=codes)
    )
    return EntryPage.objects.filter(
        Q(native_title_language__iso_639_3__in=codes) | Q(native_title_language__code__in=codes) | Q(pk__in=spoken)
    )


class CodeFilter(FieldsFilter):
    """The code filters, then Wagtail's field filters for the rest, with a value a field
    cannot hold (a date that is not one, a code given for a numeric relation) answered
    400 instead of failing the request."""

    def filter_queryset(self, request, queryset, view):
        for name in CODE_FILTERS:
            if name not in request.GET:
                continue
            value = request.GET[name]
            codes = [code.strip() for code in value.split(",") if code.strip()]
            if "\x00" in value or not codes:
                raise BadRequestError(f"{name} takes one code or several separated by commas")
            queryset = queryset.filter(pk__in=entries_matching(name, codes).values("pk"))
        try:
            return super().filter_queryset(request, queryset, view)
        except (ValueError, ValidationError) as error:
            raise BadRequestError(f"field filter error: {error}") from error


class AnonymousAPIThrottle(AnonRateThrottle):
    """Anonymous callers, counted per address as login throttling counts them, get
    `API_ANON_RATE` requests ("number/second|minute|hour|day"); past it, 429 with
    Retry-After. Read at each request, so the rate can change without a restart."""

    def get_rate(self) -> str | None:
        return settings.API_ANON_RATE or None

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"


class ArchivePageSerializer(PageSerializer):
    iiif_manifest = IIIFManifestField(read_only=True)


class ArchivePagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = ArchivePageSerializer
    meta_fields = PagesAPIViewSet.meta_fields + ["iiif_manifest"]
    filter_backends = [CodeFilter, *PagesAPIViewSet.filter_backends[1:]]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(CODE_FILTERS)
    throttle_classes = [AnonymousAPIThrottle]

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        fields = super().get_available_fields(model, db_fields_only)
        if db_fields_only:
            # Filtered by code (CODE_FILTERS), not by Wagtail's id comparison.
            fields = [field for field in fields if field not in CODE_FILTERS]
        return fields

    def filter_queryset(self, queryset):
        # Wagtail passes it on unchecked, and the search backend refuses anything else.
        if self.request.GET.get("search_operator", "and") not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return super().filter_queryset(queryset)

    def get_queryset(self):
        """Wagtail's, with the short type names (TYPE_CODES) beside "app.Model"."""
        names = self.request.GET.get("type")
        if not names:
            return super().get_queryset()
        try:
            models = [TYPE_CODES.get(name) or page_models_from_string(name)[0] for name in names.split(",")]
        except (LookupError, ValueError) as error:
            raise BadRequestError("type doesn't exist") from error
        visible = self.get_base_queryset()
        if len(models) == 1:
            return models[0].objects.filter(pk__in=visible.values_list("pk", flat=True))
        return visible.type(*models)

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
