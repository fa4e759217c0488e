"""The archive's structure as every public page reads it: the sites, the pages that are
not entries (home pages, listings, the browsing pages: a dozen, however many entries
there are) and the view restrictions on them. Read once per generation of the page
cache and kept in each process (page_cache/memo.py), so that routing, navigation,
breadcrumbs, language links and the restriction checks above an entry cost no query;
any watched save or deletion, in any process, makes every process read them again.

Instances held here are shared by every request of a process: they are read, never
changed; the page a request is served is a copy (`page_for_serving`)."""

import copy
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest
from django.http.request import split_domain_port

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from page_cache.memo import per_generation


@dataclass(frozen=True)
class Structure:
    pages: tuple[Page, ...]
    by_id: dict[int, Page]
    by_url_path: dict[str, Page]
    # page id → the view restrictions on that page, their groups read.
    restrictions: dict[int, tuple[PageViewRestriction, ...]] = field(default_factory=dict)

    def ancestors_or_self(self, page: Page) -> list[Page]:
        """Structure pages on the way down to `page` (the tree root first), `page` too if
        it is one: every page above another is one, since entries have no children."""
        return [
            candidate
            for candidate in self.pages
            if page.path.startswith(candidate.path) and candidate.depth <= page.depth
        ]

    def restrictions_above(self, page: Page) -> list[PageViewRestriction]:
        """The view restrictions on structure pages above `page` or on it."""
        return [
            restriction
            for candidate in self.ancestors_or_self(page)
            for restriction in self.restrictions.get(candidate.pk, ())
        ]

    def restricted_branch_paths(self) -> list[str]:
        """Paths of the structure pages with children that carry a view restriction."""
        return [page.path for page in self.pages if page.numchild and self.restrictions.get(page.pk)]

    def children(self, parent: Page) -> list[Page]:
        return [page for page in self.pages if page.depth == parent.depth + 1 and page.path.startswith(parent.path)]

    def translations(self, page: Page) -> list[Page]:
        return [other for other in self.pages if other.translation_key == page.translation_key]


def _read_structure() -> Structure:
    entry_model = apps.get_model("heritage", "EntryPage")
    pages = tuple(Page.objects.not_type(entry_model).select_related("locale").order_by("path").specific(defer=False))
    restrictions: dict[int, list[PageViewRestriction]] = {}
    for restriction in PageViewRestriction.objects.filter(page__in=[page.pk for page in pages]).prefetch_related(
        "groups"
    ):
        restrictions.setdefault(restriction.page_id, []).append(restriction)
    return Structure(
        pages=pages,
        by_id={page.pk: page for page in pages},
        by_url_path={page.url_path: page for page in pages},
        restrictions={pk: tuple(found) for pk, found in restrictions.items()},
    )


def structure() -> Structure:
    return per_generation("heritage.structure", _read_structure)


def is_structure_page(page: Page) -> bool:
    """Whether `page` is one of the structure pages, as it stands in this generation."""
    return page.pk in structure().by_id


def _site_hostnames() -> frozenset[str]:
    return frozenset(Site.objects.values_list("hostname", flat=True))


def site_for_request(request: HttpRequest) -> Site | None:
    """Wagtail's `Site.find_for_request`, asked of the database once per generation for
    each site's hostname and port (any other hostname gets the default site)."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    known = per_generation("heritage.site-hostnames", _site_hostnames)
    key = ("heritage.site", hostname, port) if hostname in known else ("heritage.site", None, None)

    def find() -> Site | None:
        try:
            return get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None

    return per_generation(key, find)


def localized_root(site: Site, language_code: str) -> Page | None:
    """`site.root_page.localized.specific` as Wagtail routes it: the live translation of
    the site's root page in the active language, else the root page itself."""
    pages = structure()
    root = pages.by_id.get(site.root_page_id)
    if root is None:
        return None
    for translation in pages.translations(root):
        if translation.locale.language_code == language_code and translation.live:
            return translation
    return root


def page_for_serving(page: Page) -> Page:
    """A copy of a structure page for one request, which may note things on it."""
    return copy.copy(page)
