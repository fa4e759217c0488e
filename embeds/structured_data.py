"""schema.org VideoObject and AudioObject data for an entry's recordings, so that search
engines can show them with their picture, length, licence and player."""

import json

from django.utils.safestring import SafeString, mark_safe

from embeds.items import EmbedItem
from heritage.addresses import absolute_url

# As Django's json_script: nothing in the data can end the <script> element.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def iso_duration(seconds: float | None) -> str:
    """3725.4 → "PT1H2M5S"."""
    if not seconds:
        return ""
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{rest}S"


def media_object(item: EmbedItem) -> dict:
    entry, media = item.entry, item.media
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject" if item.is_video else "AudioObject",
        "name": item.title,
        "description": entry.summary,
        "url": entry.full_url,
        "embedUrl": item.url(lang=entry.locale.language_code),
        "inLanguage": entry.locale.language_code,
        "uploadDate": (entry.first_published_at or media.created_at).isoformat(),
        "duration": iso_duration(media.duration),
        "license": entry.licence_url,
        "creditText": entry.attribution,
        "contentUrl": absolute_url(media.download.url) if media.download else "",
        "thumbnailUrl": [absolute_url(picture.url) for picture in item.thumbnails()],
        "transcript": item.transcript,
    }
    return {name: value for name, value in data.items() if value}


def json_ld(items: list[EmbedItem]) -> SafeString:
    objects = [media_object(item) for item in items]
    payload = objects[0] if len(objects) == 1 else objects
    text = json.dumps(payload, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
