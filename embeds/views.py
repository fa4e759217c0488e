"""The player that other sites frame, and the oEmbed endpoint that hands out its code.

Both answer every visitor alike: they never read the session or the CSRF token, so they
set no cookies, and their pages are rendered without the request."""

import uuid
from collections.abc import Callable
from functools import wraps

from csp.decorators import csp_replace

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from embeds import oembed as oembed_logic
from embeds.items import EmbedItem, entry_for_embedding, find_item, start_time
from media_pipeline.models import archive_url

AUDIO_PICTURE_SPEC = "fill-128x128|format-jpeg|jpegquality-80"


def keeps_its_status(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a 404 from these views reach the client as a 404.

    LocaleMiddleware turns a 404 on a path outside i18n_patterns into a redirect to
    /<language>/<path>, which Wagtail's catch-all pattern accepts; an oEmbed client must see
    the 404 itself, and a frame must not be sent to a page that refuses framing. The
    middleware reads `request.urlconf` to learn whether language prefixes are in use; this
    module's URLconf has none."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        request.urlconf = "embeds.urls"
        return response

    return wrapped


def _language(value: str | None) -> str | None:
    return value if value in {code for code, _name in settings.LANGUAGES} else None


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@keeps_its_status
def player(request: HttpRequest, key: uuid.UUID, media_id: int | None = None) -> HttpResponse:
    """`/embed/<key>/[<media id>/]`: the recording alone, for a frame on any site."""
    requested = _language(request.GET.get("lang"))
    entry = entry_for_embedding(key, requested)
    item = find_item(entry, media_id) if entry is not None else None
    if item is None:
        language = requested or translation.get_language()
        with translation.override(language):
            html = render_to_string("embeds/not_available.html", {"language": language})
        return _page(html, language, status=404)
    language = requested or entry.locale.language_code
    with translation.override(language):
        html = render_to_string("embeds/player.html", player_context(item, language, request.GET))
    return _page(html, language)


def _page(html: str, language: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    return response


def player_context(item: EmbedItem, language: str, params: QueryDict) -> dict:
    tracks = item.captions
    languages = [track.language for track in tracks]
    requested = params.get("captions")
    if requested == "off":
        shown = None
    elif requested in languages:
        shown = requested
    else:
        shown = language if language in languages else None
    transcript_track = None
    if params.get("transcript") == "1" and tracks:
        preferred = shown or language
        transcript_track = next((track for track in tracks if track.language == preferred), tracks[0])
    start = start_time(params.get("t"))
    return {
        "item": item,
        "entry": item.entry,
        "media": item.media,
        "language": language,
        "tracks": tracks,
        "shown_captions": shown,
        "start": f"{start:g}" if start else "",
        "transcript_requested": params.get("transcript") == "1",
        "transcript_track": transcript_track,
        "picture": _audio_picture(item),
    }


def _audio_picture(item: EmbedItem) -> str:
    image = item.entry.first_image
    if item.is_video or image is None:
        return ""
    try:
        return archive_url(image.get_rendition(AUDIO_PICTURE_SPEC).file.name)
    except Exception:  # noqa: BLE001 - a missing original must not break the embed
        return ""


@require_safe
@keeps_its_status
def oembed(request: HttpRequest) -> HttpResponse:
    """`/oembed/?url=…&format=json|xml&maxwidth=…&maxheight=…`, with the spec's status codes."""
    try:
        query = oembed_logic.read_query(request.GET)
        data = oembed_logic.answer(
            oembed_logic.find_target(query.url, request), maxwidth=query.maxwidth, maxheight=query.maxheight
        )
    except oembed_logic.OEmbedError as error:
        response = HttpResponse(str(error), status=error.status, content_type="text/plain; charset=utf-8")
    else:
        if query.format == "xml":
            response = HttpResponse(oembed_logic.to_xml(data), content_type="text/xml; charset=utf-8")
        else:
            response = JsonResponse(
                data, json_dumps_params={"ensure_ascii": False}, content_type="application/json; charset=utf-8"
            )
    # Any site's script may ask (the answers hold nothing private).
    response["Access-Control-Allow-Origin"] = "*"
    return response
