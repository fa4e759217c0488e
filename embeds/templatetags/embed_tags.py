"""The embed parts of an entry page: oEmbed discovery links and schema.org data in the
head, and the Embed dialog under the players."""

from urllib.parse import urlencode

from django import template

from embeds.items import EmbedItem, embeddable_items
from embeds.structured_data import json_ld
from heritage.addresses import absolute_url
from heritage.models import EntryPage

register = template.Library()


def _items(page) -> list[EmbedItem]:
    """Computed once per page however many tags ask."""
    if not hasattr(page, "_embed_items"):
        page._embed_items = embeddable_items(page) if isinstance(page, EntryPage) and page.pk else []
    return page._embed_items


@register.inclusion_tag("embeds/head.html")
def embed_head(page) -> dict:
    items = _items(page)
    if not items:
        return {}
    oembed = absolute_url("/oembed/?")
    return {
        "title": page.title,
        "json_url": oembed + urlencode({"url": page.full_url, "format": "json"}),
        "xml_url": oembed + urlencode({"url": page.full_url, "format": "xml"}),
        "structured_data": json_ld(items),
    }


@register.inclusion_tag("embeds/dialog.html")
def embed_dialog(page) -> dict:
    items = _items(page)
    if not items:
        return {}
    language = page.locale.language_code
    caption_languages = {}
    for item in items:
        for track in item.captions:
            caption_languages.setdefault(track.language, track.label)
    return {
        "language": language,
        "caption_languages": list(caption_languages.items()),
        "choices": [
            {
                "label": item.caption,
                "src": item.url(lang=language),
                "code": item.code(lang=language),
                "code_with_transcript": item.code(transcript=True, lang=language),
            }
            for item in items
        ],
    }
