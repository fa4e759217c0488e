from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from heritage.access import visible_to


class ArchiveSitemap(Sitemap):
    """Every page an anonymous visitor may open, in every language. Wagtail's own sitemap covers only the
    site's root page, which is the Vietnamese home; the English tree is its sibling."""

    def items(self):
        homes = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_any_language = Q()
        for home in homes:
            in_any_language |= Q(path__startswith=home.path)
        pages = visible_to(Page.objects.filter(in_any_language), AnonymousUser())
        return pages.order_by("path").defer_streamfields().specific()
