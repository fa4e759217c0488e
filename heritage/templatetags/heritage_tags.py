"""Template helpers for the public site: navigation, language switch, links to the
group and place browsing pages, and link-preview metadata.

Home pages, sections, breadcrumbs and the translations of structure pages come from the
structure kept per generation (heritage/structure.py); what else touches the database is
cached on the request, so a page pays for it once however many times the tags are used."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page

from heritage.access import public_sections, served_translations
from heritage.addresses import absolute_url, current_language
from heritage.models import EntryPage
from heritage.models.site import SECTION_PAGE_TYPES, EthnicGroupIndexPage
from heritage.notices import gate_codes
from heritage.notices import recording_notices as notices_for
from heritage.structure import structure

register = template.Library()

OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_CACHE_ATTR = "_heritage_tag_cache"


def _cache(context) -> dict:
    """A per-request dict (falls back to the template context when there is no request)."""
    request = context.get("request")
    holder = request if request is not None else context
    if isinstance(holder, template.Context):
        return holder.render_context.setdefault(_CACHE_ATTR, {})
    if not hasattr(holder, _CACHE_ATTR):
        setattr(holder, _CACHE_ATTR, {})
    return getattr(holder, _CACHE_ATTR)


def _ancestors(cache: dict, page: Page) -> list[Page]:
    """The page's ancestors below the tree root, its home page first, for the breadcrumbs
    and the home link: structure pages, all of them (entries have no children)."""
    key = f"ancestors:{page.pk}"
    if key not in cache:
        ancestors = [other for other in structure().ancestors_or_self(page) if 1 < other.depth < page.depth]
        if len(ancestors) != page.depth - 2:
            ancestors = list(page.get_ancestors().filter(depth__gt=1))
        cache[key] = ancestors
    return cache[key]


def _live_home(language: str | None = None):
    """The first live home page in tree order, of `language` if given."""
    from heritage.models import HomePage

    return next(
        (
            page
            for page in structure().pages
            if isinstance(page, HomePage) and page.live and language in (None, page.locale.language_code)
        ),
        None,
    )


def _home(cache: dict, context=None):
    """The live home page of the visitor's language: the page being served or its first
    ancestor, else looked up."""
    if "home" not in cache:
        from heritage.models import HomePage

        current = context.get("page") if context is not None else None
        language = get_supported_content_language_variant(get_language())
        found = None
        if isinstance(current, Page) and current.pk and current.depth > 1:
            top = current if current.depth == 2 else _ancestors(cache, current)[0]
            if top.live and issubclass(top.specific_class, HomePage):
                found = top
        cache["home"] = found or _live_home(language) or _live_home()
    return cache["home"]


def _url(page, request) -> str:
    if page is None:
        return ""
    return page.get_url(request) or ""


@register.simple_tag(takes_context=True)
def site_home(context):
    """The HomePage of the visitor's language."""
    return _home(_cache(context), context)


@register.simple_tag(takes_context=True)
def site_sections(context) -> list[dict]:
    """Live, public children of the current locale's home page: [{title, url, page, current}]."""
    cache = _cache(context)
    if "sections" not in cache:
        home = _home(cache, context)
        children = public_sections(home) if home else []
        request = context.get("request")
        cache["sections"] = [{"page": child, "title": child.title, "url": _url(child, request)} for child in children]
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    sections = []
    for section in cache["sections"]:
        page = section["page"]
        sections.append(
            {
                **section,
                "current": bool(current_path) and current_path.startswith(page.path),
                "exact": bool(current_path)
                and current_path == page.path
                and "group" not in context
                and "place" not in context,
            }
        )
    return sections


def _section_of_type(cache: dict, model_name: str, context=None):
    """A child of this locale's home page of the given type, found among the navigation
    sections (already loaded) rather than with a query of its own."""
    key = f"section:{model_name}"
    if key not in cache:
        found = None
        current = context.get("page") if context is not None else None
        if isinstance(current, Page) and type(current).__name__ == model_name:
            found = current
        else:
            if context is not None:
                site_sections(context)
            for section in cache.get("sections", []):
                if section["page"].specific_class.__name__ == model_name:
                    found = section["page"]
                    break
        cache[key] = found
    return cache[key]


@register.simple_tag(takes_context=True)
def group_url(context, group) -> str:
    """URL of an ethnic group's page under this locale's EthnicGroupIndexPage."""
    index = _section_of_type(_cache(context), "EthnicGroupIndexPage", context)
    if index is None or group is None:
        return ""
    return _url(index, context.get("request")) + EthnicGroupIndexPage.group_path(group)


@register.simple_tag(takes_context=True)
def place_url(context, place) -> str:
    """URL of the province page a place lies in (or of the place itself when it is one)."""
    index = _section_of_type(_cache(context), "PlaceIndexPage", context)
    if index is None or place is None:
        return ""
    province = place if place.is_current_province else place.current_province()
    if province is None:
        return ""
    return f"{_url(index, context.get('request'))}{province.code}/"


@register.simple_tag(takes_context=True)
def search_url(context) -> str:
    from django.urls import reverse

    return reverse("search")


def _swap_prefix(path: str, target: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return f"/{target}/" + path[len(prefix) :]
        if path == f"/{code}":
            return f"/{target}/"
    return f"/{target}{path}" if path.startswith("/") else f"/{target}/"


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per site language to this page in that language.

    Wagtail pages link to their live translation (keeping the sub-path of routable pages
    such as /dan-toc/tay/), else to that language's home page. Other views swap the
    language prefix of the path."""
    cache = _cache(context)
    if "language_links" in cache:
        return cache["language_links"]
    request = context.get("request")
    page = context.get("page")
    current = current_language()
    path = request.path if request is not None else "/"
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    links = []
    absolute = {}
    translations = {}
    suffix = ""
    if isinstance(page, Page) and page.pk:
        known = structure()
        if page.pk in known.by_id:
            found = [translation for translation in known.translations(page) if translation.live]
        elif (served := served_translations(page)) is not None:
            found = [translation for translation in served if translation.live]
        else:
            found = page.get_translations(inclusive=True).live().select_related("locale")
        for translation in found:
            translations[translation.locale.language_code] = translation
        page_url = _url(page, request)
        if page_url and path.startswith(page_url):
            suffix = path[len(page_url) :]
    for code, name in settings.LANGUAGES:
        if code == current:
            url = path
            if isinstance(page, Page) and page.pk:
                absolute[code] = (page.get_full_url(request) or "") + suffix
        elif isinstance(page, Page) and page.pk:
            translation = translations.get(code)
            if translation is not None:
                url = _url(translation, request) + suffix
                absolute[code] = (translation.get_full_url(request) or "") + suffix
            else:
                url = _url(_live_home(code), request) or f"/{code}/"
        else:
            url = _swap_prefix(path, code)
        if query and (code == current or not (isinstance(page, Page) and page.pk) or code in translations):
            url = f"{url}?{query}"
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "absolute_url": absolute.get(code, ""),
                "has_translation": code == current or code in translations or not isinstance(page, Page),
            }
        )
    cache["language_links"] = links
    return links


@register.simple_tag(name="absolute_url", takes_context=True)
def absolute_url_tag(context, url: str) -> str:
    return absolute_url(url, context.get("request"))


@register.simple_tag(takes_context=True)
def og_image(context, page) -> dict | None:
    """An absolute 1200×630 JPEG rendition of the entry's first image, for link previews."""
    image = getattr(page, "first_image", None) if page is not None else None
    if image is None:
        return None
    try:
        rendition = image.get_rendition("fill-1200x630|format-jpeg|jpegquality-80")
    except Exception:  # noqa: BLE001 - a missing original must not break the page
        return None
    return {
        "url": absolute_url(rendition.url, context.get("request")),
        "width": rendition.width,
        "height": rendition.height,
    }


@register.simple_tag
def og_locale(code: str | None = None) -> str:
    return OG_LOCALES.get((code or current_language()).split("-")[0], "vi_VN")


@register.simple_tag
def og_locale_alternates(code: str | None = None) -> list[str]:
    current = (code or current_language()).split("-")[0]
    return [value for key, value in OG_LOCALES.items() if key != current]


@register.simple_tag(takes_context=True)
def breadcrumb_pages(context, page) -> list:
    """Live ancestors of `page` below the tree root (the home page first), excluding itself."""
    if not isinstance(page, Page) or not page.pk:
        return []
    return [ancestor for ancestor in _ancestors(_cache(context), page) if ancestor.live]


@register.filter
def entry_year(page) -> str:
    """The year to cite: when recorded, else when first published."""
    documented = getattr(page, "documented_on", None)
    if documented:
        return str(documented.year)
    published = getattr(page, "first_published_at", None)
    if published:
        return str(timezone.localtime(published).year)
    return ""


@register.filter
def transcript_lines(text: str) -> list[str]:
    """A transcript, one utterance per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.simple_tag(takes_context=True)
def page_meta(context) -> dict:
    """Title, description, canonical URL and type for <meta>, Open Graph and Twitter tags.

    Routable sub-pages (an ethnic group, a province) describe the group or place rather
    than the listing page that serves them."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    request = context.get("request")
    page = context.get("page")
    group = context.get("group")
    place = context.get("place")
    meta = {"title": "", "description": "", "url": "", "type": "website"}
    if group is not None:
        meta["title"] = group.name
        meta["description"] = group.summary
    elif place is not None:
        meta["title"] = place.name
    elif isinstance(page, Page):
        meta["title"] = page.seo_title or page.title
        meta["description"] = (
            page.search_description
            or getattr(page, "summary", "")
            or strip_tags(str(getattr(page, "introduction", "") or ""))
        )
        from heritage.models import EntryPage

        if isinstance(page, EntryPage):
            meta["type"] = "article"
        meta["url"] = page.get_full_url(request) or ""
    if not meta["url"] and request is not None:
        meta["url"] = request.build_absolute_uri(request.path)
    meta["description"] = Truncator(" ".join(str(meta["description"]).split())).chars(300)
    return meta


@register.simple_tag(takes_context=True)
def alternate_links(context) -> list[dict]:
    """hreflang alternates: the translations that exist (from language_links)."""
    links = language_links(context)
    return [
        {"code": link["code"], "url": link["absolute_url"] or absolute_url(link["url"], context.get("request"))}
        for link in links
        if link["has_translation"]
    ]


@register.simple_tag(takes_context=True)
def section_page(context, model_name: str):
    """This locale's section page of the given type, e.g. "EthnicGroupIndexPage"."""
    if model_name not in {section.__name__ for section in SECTION_PAGE_TYPES}:
        return None
    return _section_of_type(_cache(context), model_name, context)


@register.filter
def grouped_number(value) -> str:
    """1845492 → "1.845.492" in Vietnamese, "1,845,492" in English."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    separator = "," if current_language() == "en" else "."
    return f"{number:,}".replace(",", separator)


@register.filter
def duration(seconds: float | None) -> str:
    """A length as m:ss or h:mm:ss."""
    if not seconds:
        return ""
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


@register.simple_tag(takes_context=True)
def recording_notices(context, block_value) -> list:
    """The sensitivity notices shown before this recording of the page's entry plays."""
    page = context.get("page")
    return notices_for(page if isinstance(page, EntryPage) else None, block_value)


@register.filter
def notice_codes(notices: list) -> str:
    return gate_codes(notices)
