"""oEmbed 1.0 (https://oembed.com/): which recording an address points to, and the answer
that lets a learning platform embed it."""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation

from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname

from embeds.items import EmbedItem, entry_for_embedding, find_item, start_time
from heritage.addresses import absolute_url
from heritage.models import EntryPage

FORMATS = ("json", "xml")
CACHE_AGE_SECONDS = 3600
DEFAULT_PORTS = {"http": 80, "https": 443}
# Our own addresses that name an entry without a language prefix.
ENTRY_ADDRESSES = ("entry-permalink", "embed", "embed-item")


class OEmbedError(Exception):
    status = 400


class UnknownURLError(OEmbedError):
    """The spec's 404: no response for this URL (not ours, no entry, an entry that is not
    public, nothing to play). One answer for all of them, so that it tells nothing about
    entries a visitor may not see; the spec's 401 would."""

    status = 404

    def __init__(self) -> None:
        super().__init__("no recording to embed at this address")


class UnsupportedFormatError(OEmbedError):
    status = 501


@dataclass
class Target:
    item: EmbedItem
    language: str | None  # the language of the address asked about; None for a permalink
    start: float | None


@dataclass
class Query:
    url: str
    format: str
    maxwidth: int | None
    maxheight: int | None


def read_query(params: QueryDict) -> Query:
    """The request's parameters, or the error to answer with."""
    answer_format = params.get("format") or "json"
    if answer_format not in FORMATS:
        raise UnsupportedFormatError(f"format must be one of {', '.join(FORMATS)}")
    url = params.get("url", "").strip()
    if not url:
        raise OEmbedError("url is required")
    return Query(url, answer_format, _dimension(params, "maxwidth"), _dimension(params, "maxheight"))


def _dimension(params: QueryDict, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) < 1:
        raise OEmbedError(f"{name} must be a positive whole number of pixels")
    return int(value)


def _host_port(host: str, port: int | None, scheme: str) -> tuple[str, int]:
    return host.lower(), port or DEFAULT_PORTS.get(scheme, 80)


def _our_hosts(request: HttpRequest) -> set[tuple[str, int]]:
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    served = urlsplit(f"{request.scheme}://{request.get_host()}")
    hosts = {
        _host_port(base.hostname or "", base.port, base.scheme),
        _host_port(served.hostname or "", served.port, request.scheme),
    }
    for hostname, port in Site.objects.values_list("hostname", "port"):
        hosts.add((hostname.lower(), port))
        if port == 80:  # a site behind an HTTPS proxy usually keeps Wagtail's default port
            hosts.add((hostname.lower(), 443))
    return hosts


def find_target(url: str, request: HttpRequest) -> Target:
    """The recording that `url` points to: an entry page in any language, its permalink
    (/e/<key>/) or an embed address, on this archive's own host."""
    try:
        parts = urlsplit(url)
        host = _host_port(parts.hostname or "", parts.port, parts.scheme)
    except ValueError as error:  # a malformed IPv6 address, a port that is not a number
        raise UnknownURLError from error
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or host not in _our_hosts(request):
        raise UnknownURLError
    query = QueryDict(parts.query)
    key, media_id, language = _entry_address(parts.path or "/", parts.hostname, host[1], query, request)
    entry = entry_for_embedding(key, language)
    item = find_item(entry, media_id) if entry is not None else None
    if item is None:
        raise UnknownURLError
    return Target(item, language, start_time(query.get("t")))


def _entry_address(
    path: str, hostname: str, port: int, query: QueryDict, request: HttpRequest
) -> tuple[uuid.UUID, int | None, str | None]:
    language = translation.get_language_from_path(path)
    if language:
        with translation.override(language):
            site = get_site_for_hostname(hostname, port)
            components = [part for part in path.split("/")[2:] if part]
            try:
                page = site.root_page.localized.specific.route(request, components).page
            except Http404 as error:
                raise UnknownURLError from error
        if not isinstance(page, EntryPage):
            raise UnknownURLError
        return page.translation_key, None, language
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise UnknownURLError from error
    if match.url_name not in ENTRY_ADDRESSES:
        raise UnknownURLError
    requested = query.get("lang")
    return match.kwargs["key"], match.kwargs.get("media_id"), requested if requested in _languages() else None


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def answer(target: Target, maxwidth: int | None = None, maxheight: int | None = None) -> dict:
    """The oEmbed response: type video (audio as rich) with a responsive iframe."""
    item = target.item
    language = target.language or item.entry.locale.language_code
    with translation.override(language):
        width, height = item.frame_size(maxwidth, maxheight)
        start = f"{target.start:g}" if target.start else None
        data = {
            "version": "1.0",
            "type": "video" if item.is_video else "rich",
            "title": item.title,
            "author_name": item.community,
            "author_url": item.community_url,
            "provider_name": str(settings.WAGTAIL_SITE_NAME),
            "provider_url": absolute_url(f"/{language}/"),
            "cache_age": CACHE_AGE_SECONDS,
            "html": str(item.code(maxwidth, maxheight, lang=target.language, t=start)),
            "width": width,
            "height": height,
        }
    picture = item.thumbnail(maxwidth, maxheight)
    if picture is not None:
        data.update(
            thumbnail_url=absolute_url(picture.url), thumbnail_width=picture.width, thumbnail_height=picture.height
        )
    return data


def to_xml(data: dict) -> str:
    root = Element("oembed")
    for name, value in data.items():
        SubElement(root, name).text = str(value)
    return '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + tostring(root, encoding="unicode")
