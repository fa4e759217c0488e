"""The public site's structure: home, listing pages per entry type, and browsing by
ethnic group and by place."""

import functools
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from heritage.access import KnownRestrictionsMixin, public_sections
from heritage.cards import with_card_lines
from heritage.models.entries import ENTRY_TYPES, CustomPage, EntryPage, EntryPlace, FestivalPage, RecordingPage
from heritage.models.reference import EthnicGroup, Place
from heritage.structure import page_for_serving, structure
from page_cache.memo import per_generation

T = TypeVar("T")

ENTRIES_PER_PAGE = 20


def visible_entries(request: HttpRequest, base: type[Page] = EntryPage, locale=None):
    """Entries the visitor may see, in the visitor's locale, newest first. For cards, pass
    what is shown through `heritage.cards.with_card_lines` (their groups and places)."""
    queryset = base.objects.visible_to(request.user)
    if locale is not None:
        queryset = queryset.filter(locale=locale)
    return queryset.order_by("-first_published_at", "-pk")


def _read_with(model: type[Page]) -> list[str]:
    """What a page shows of its own foreign keys (its locale, the languages of an entry),
    read with the page itself."""
    own = [field.name for field in model._meta.concrete_fields if field.many_to_one and field.model is not Page]
    return ["locale", *own]


def for_visitor(request: HttpRequest, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, which reads what the visitor may see: for anonymous visitors (all see
    the same) kept per generation and day (an embargo ends with the day, not a save)."""
    if request.user.is_authenticated:
        return compute()
    return per_generation((key, timezone.localdate()), compute)


def paginate(request: HttpRequest, queryset):
    """The requested page of entry cards."""
    page = Paginator(queryset, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_card_lines(page.object_list)
    return page


class HomePage(KnownRestrictionsMixin, Page):
    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Wagtail walks down the tree one slug at a time, two queries a level; here the
        deepest page whose address begins the path is found among the structure pages
        (heritage/structure.py, no query), or, below a listing, among its entries in one
        query, and routes the rest (a group or province of the browsing pages) as Wagtail
        would have."""
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:n])
            for n in range(1, len(path_components) + 1)
        ]
        pages = structure().by_url_path
        found = [pages[prefix] for prefix in prefixes if prefix in pages and pages[prefix].path.startswith(self.path)]
        deepest = page_for_serving(found[-1]) if found else self
        if deepest.numchild and len(prefixes) > len(found):
            # A listing's children are its entries; anything else is looked for among all pages.
            below = [deepest.entry_model, Page] if isinstance(deepest, EntryIndexPage) else [Page]
            for model in below:
                entry = model.objects.filter(path__startswith=deepest.path, url_path__in=prefixes)
                entry = entry.select_related(*_read_with(model)).order_by("-depth").first()
                if entry is not None:
                    deepest = entry.specific
                    break
        if deepest is self:
            raise Http404
        return deepest.route(request, path_components[deepest.depth - self.depth :])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        entries = visible_entries(request, locale=self.locale_id)
        # Cards show nothing of the entry types' own fields.
        context["latest_entries"] = with_card_lines(entries[:6])
        context["sections"] = public_sections(self)
        context["groups_with_entries"] = for_visitor(
            request,
            ("home groups", self.pk),
            lambda: list(
                EthnicGroup.objects.filter(entries__in=entries.values("pk"))
                .annotate(entry_count=Count("entries", distinct=True))
                .order_by("-entry_count", "number")[:12]
            ),
        )
        return context


class EntryIndexPage(KnownRestrictionsMixin, Page):
    """A listing of one entry type, filterable by ethnic group and province."""

    introduction = models.TextField(_("introduction"), blank=True)
    entry_model: type[EntryPage] = EntryPage

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["heritage.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        entries = visible_entries(request, self.entry_model, locale=self.locale_id).child_of(self)
        context["groups"] = for_visitor(
            request,
            ("listing groups", self.pk),
            lambda: list(EthnicGroup.objects.filter(entries__in=entries.values("pk")).distinct()),
        )
        group_code = request.GET.get("group", "")
        place_code = request.GET.get("place", "")
        if group_code:
            entries = entries.filter(ethnic_groups__code=group_code)
        if place_code:
            entries = entries.filter(places__place__code=place_code).distinct()
        context["entries"] = paginate(request, entries)
        context["selected_group"] = group_code
        return context


class FestivalIndexPage(EntryIndexPage):
    template = "heritage/entry_index_page.html"
    entry_model = FestivalPage
    subpage_types = ["heritage.FestivalPage"]

    class Meta:
        verbose_name = _("festival listing")


class CustomIndexPage(EntryIndexPage):
    template = "heritage/entry_index_page.html"
    entry_model = CustomPage
    subpage_types = ["heritage.CustomPage"]

    class Meta:
        verbose_name = _("custom listing")


class RecordingIndexPage(EntryIndexPage):
    template = "heritage/entry_index_page.html"
    entry_model = RecordingPage
    subpage_types = ["heritage.RecordingPage"]

    class Meta:
        verbose_name = _("recording listing")


class EthnicGroupIndexPage(KnownRestrictionsMixin, RoutablePageMixin, Page):
    """All 54 groups, and a page per group with its festivals, customs and recordings."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["heritage.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("ethnic group listing")

    @path("")
    def group_list(self, request):
        entries = visible_entries(request, locale=self.locale_id)
        groups = EthnicGroup.objects.annotate(
            entry_count=Count("entries", filter=models.Q(entries__in=entries.values("pk")), distinct=True)
        )
        return self.render(request, context_overrides={"groups": groups})

    @classmethod
    def group_path(cls, group: EthnicGroup) -> str:
        """The address of `group`'s page below the listing's own (a class method, so a
        plain `Page` of the listing, as navigation loads it, needs no query to use it)."""
        return _group_path(group.code)

    @path("<slug:code>/")
    def group_detail(self, request, code):
        group = get_object_or_404(EthnicGroup.objects.prefetch_related("languages", "regions"), code=code)
        # One read for the three sections; cards show nothing of the entry types' own fields.
        entries = with_card_lines(visible_entries(request, locale=self.locale_id).filter(ethnic_groups=group))
        return TemplateResponse(
            request,
            "heritage/ethnic_group_page.html",
            {
                "page": self,
                "group": group,
                "sections": [
                    (
                        entry_type._meta.verbose_name_plural,
                        entry_type.none_for_group_message,
                        [entry for entry in entries if issubclass(entry.specific_class, entry_type)],
                    )
                    for entry_type in ENTRY_TYPES
                ],
            },
        )


@functools.lru_cache(maxsize=512)
def _group_path(code: str) -> str:
    # Reversing the routable page's pattern costs more than the rest of a group's link,
    # and cards and the home page link a dozen groups per page.
    return EthnicGroupIndexPage.get_resolver().reverse("group_detail", code)


class PlaceIndexPage(KnownRestrictionsMixin, RoutablePageMixin, Page):
    """Today's 34 provinces and cities, each with the entries recorded there."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["heritage.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("place listing")

    @path("")
    def place_list(self, request):
        entries = visible_entries(request, locale=self.locale_id)
        provinces = list(
            Place.objects.filter(kind__in=[Place.Kind.CITY, Place.Kind.PROVINCE]).prefetch_related("predecessors")
        )
        counts = self._entry_counts_by_province(entries)
        for province in provinces:
            province.entry_count = counts.get(province.pk, 0)
        return self.render(request, context_overrides={"provinces": provinces})

    @path("<slug:code>/")
    def place_detail(self, request, code):
        place = get_object_or_404(Place, code=code)
        if not place.is_current_province:
            current = place.current_province()
            if current is None:
                raise Http404
            return self.redirect_to_province(current)
        area = Place.objects.filter(
            models.Q(pk=place.pk) | models.Q(parent=place) | models.Q(parent__parent=place) | models.Q(successor=place)
        )
        entries = visible_entries(request, locale=self.locale_id).filter(places__place__in=area).distinct()
        return TemplateResponse(
            request,
            "heritage/place_page.html",
            {"page": self, "place": place, "entries": paginate(request, entries)},
        )

    def redirect_to_province(self, province: Place):
        return redirect(self.url + self.reverse_subpage("place_detail", args=[province.code]), permanent=True)

    @staticmethod
    def _entry_counts_by_province(entries) -> dict[int, int]:
        counts: dict[int, set[int]] = {}
        for entry_place in EntryPlace.objects.filter(entry__in=entries.values("pk")).select_related(
            "place__parent__parent", "place__successor"
        ):
            province = entry_place.place.current_province()
            if province is not None:
                counts.setdefault(province.pk, set()).add(entry_place.entry_id)
        return {pk: len(ids) for pk, ids in counts.items()}


def index_page_for(entry_type: type[EntryPage]) -> type[EntryIndexPage]:
    """The listing page type that holds entries of `entry_type`."""
    return next(index for index in EntryIndexPage.__subclasses__() if index.entry_model is entry_type)


# The home page's sections: a listing per entry type, then browsing by group and place.
SECTION_PAGE_TYPES: tuple[type[Page], ...] = (
    *(index_page_for(entry_type) for entry_type in ENTRY_TYPES),
    EthnicGroupIndexPage,
    PlaceIndexPage,
)
HomePage.subpage_types = list(SECTION_PAGE_TYPES)
