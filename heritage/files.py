"""Serving uploaded files only to people allowed to see the entries that use them.

A file is public when a public live entry uses it. Otherwise it is shown to a visitor
who may open one of the live entries using it, and to people who work in the admin
(who must preview drafts). Files used by no live entry are admin-only."""

import mimetypes
import os
import re
from collections.abc import Iterable

from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex
from wagtailmedia.models import get_media_model

from heritage.access import visible_to
from media_pipeline.models import CaptionTrack, Rendition

# Small text files that other files refer to by relative name (playlists) or that players
# fetch without following redirects across origins (captions) are always served from here.
PASSED_THROUGH = {".m3u8": "application/vnd.apple.mpegurl", ".vtt": "text/vtt", ".json": "application/json"}


RENDITION_PATH = re.compile(r"^(renditions/(\d+)/[0-9a-f]{32})/")


def _assets_for_path(path: str) -> Iterable[Model]:
    # A rendition file (playlist, segment, poster …) belongs to the asset whose published
    # run folder holds it; files of unpublished or replaced runs belong to nobody.
    if match := RENDITION_PATH.match(path):
        folder, asset_id = match.groups()
        if Rendition.objects.filter(asset_id=int(asset_id), folder=folder).exists():
            yield from get_media_model().objects.filter(pk=int(asset_id))
        return
    for track in CaptionTrack.objects.filter(file=path).select_related("asset"):
        yield track.asset
    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    media_model = get_media_model()
    yield from image_model.objects.filter(file=path)
    for rendition in rendition_model.objects.filter(file=path).select_related("image"):
        yield rendition.image
    yield from get_document_model().objects.filter(file=path)
    yield from media_model.objects.filter(file=path)
    yield from media_model.objects.filter(thumbnail=path)


def pages_using(asset: Model) -> list[int]:
    page_type = ContentType.objects.get_for_model(Page)
    object_ids = ReferenceIndex.get_references_to(asset).filter(base_content_type=page_type)
    return [int(object_id) for object_id in object_ids.values_list("object_id", flat=True)]


def user_may_open_asset(user, asset: Model) -> bool:
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    return visible_to(Page.objects.filter(pk__in=pages_using(asset)), user).exists()


def serve_file(request: HttpRequest, path: str) -> HttpResponse:
    assets = list(_assets_for_path(path))
    if not assets or not any(user_may_open_asset(request.user, asset) for asset in assets):
        # The same answer for "missing" and "not yours", so restricted file names
        # cannot be probed.
        raise Http404
    return _file_response(request, path)


RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


def _requested_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte of a single `Range: bytes=…` request, or None for the
    whole file. Raises ValueError when the range cannot be satisfied."""
    match = RANGE_PATTERN.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        raise ValueError("unsatisfiable range")
    return start, end


def _file_response(request: HttpRequest, path: str) -> HttpResponse:
    """The file, honouring byte ranges: phones (Safari in particular) need 206 Partial
    Content to play audio and video, and every browser needs it to seek."""
    suffix = os.path.splitext(path)[1].lower()
    try:
        local_path = default_storage.path(path)
    except NotImplementedError:
        if suffix in PASSED_THROUGH:
            return _passed_through(path, PASSED_THROUGH[suffix])
        # Object storage: hand out a short-lived signed URL; the store serves ranges.
        return HttpResponseRedirect(default_storage.url(path))
    content_type = PASSED_THROUGH.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        handle = open(local_path, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    size = os.fstat(handle.fileno()).st_size
    try:
        byte_range = _requested_range(request.headers.get("Range", ""), size)
    except ValueError:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if byte_range is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        start, end = byte_range
        handle.seek(start)
        response = StreamingHttpResponse(_read_span(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _passed_through(path: str, content_type: str) -> HttpResponse:
    try:
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _read_span(handle, length: int, chunk_size: int = 64 * 1024):
    with handle:
        while length > 0:
            chunk = handle.read(min(chunk_size, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def document_access_response(document, request: HttpRequest) -> HttpResponse | None:
    """Wagtail's document view asks this before sending a document."""
    if user_may_open_asset(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("wagtailcore_login"))
    raise Http404
