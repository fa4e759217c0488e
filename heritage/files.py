"""Serving stored files: one rule for every file, on local disk and on object storage.

A file is served only when the requested name is well formed (see
`media_pipeline.stored_names`), the raw URL says the same name as the decoded one, and
that exact name is the file of a record the visitor may see: a recording's original or
thumbnail, a file of its published rendition run, one of its caption tracks, an image or
one of its renditions, or a document. A visitor may see a record when a live page they
may open uses it and, for a recording, when its own access level lets them too. People
who work in the admin see every record (they preview drafts). Everything else, whether
missing, malformed or not the visitor's, answers the same 404."""

import mimetypes
import os
import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionMember, CollectionViewRestriction, Page, ReferenceIndex
from wagtailmedia.models import get_media_model

from heritage.access import visible_to
from heritage.models.consent import ConsentRecord
from media_pipeline.models import CaptionTrack, MediaAsset, Rendition
from media_pipeline.stored_names import is_well_formed, run_folder_of

# Small text files that other files refer to by relative name (playlists) or that players
# fetch without following redirects across origins (captions) are always served from here.
PASSED_THROUGH = {".m3u8": "application/vnd.apple.mpegurl", ".vtt": "text/vtt", ".json": "application/json"}

# Percent escapes of the characters that make paths: `.`, `/`, `\`, `%` itself and NUL.
# A stored name never needs them, so a raw URL holding one is someone trying paths.
PATH_ESCAPES = re.compile(r"%(?:2e|2f|5c|25|00)", re.IGNORECASE)


def requested_name(request: HttpRequest, path: str) -> str | None:
    """The stored name a request asks for, or None when the request could name anything
    else: a malformed name, or a raw URL (as the web server received it) that decodes to
    something other than the path Django routed."""
    if not is_well_formed(path):
        return None
    raw_uri = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw_uri:
        raw_path = raw_uri.split("?", 1)[0]
        if not raw_path.startswith("/"):
            raw_path = urlsplit(raw_uri).path  # the absolute form, http://host/path
        if PATH_ESCAPES.search(raw_path) or unquote(raw_path, errors="replace") != request.path:
            return None
    return path


def owners_of(name: str) -> Iterator[Model]:
    """The records whose file is stored under exactly `name`: recordings for their
    originals, thumbnails, rendition files and captions; images (also for their
    renditions) and documents."""
    if folder := run_folder_of(name):
        # A rendition file belongs to the asset whose published run folder holds it;
        # files of unpublished or replaced runs belong to nobody.
        rendition = Rendition.objects.filter(folder=folder).select_related("asset").first()
        if rendition is not None:
            yield rendition.asset
        return
    media_model = get_media_model()
    yield from media_model.objects.filter(file=name)
    yield from media_model.objects.filter(thumbnail=name)
    for track in CaptionTrack.objects.filter(file=name).select_related("asset"):
        yield track.asset
    image_model = get_image_model()
    yield from image_model.objects.filter(file=name)
    for rendition in image_model.get_rendition_model().objects.filter(file=name).select_related("image"):
        yield rendition.image
    yield from get_document_model().objects.filter(file=name)


def pages_using(record: Model) -> list[int]:
    page_type = ContentType.objects.get_for_model(Page)
    object_ids = ReferenceIndex.get_references_to(record).filter(base_content_type=page_type)
    return [int(object_id) for object_id in object_ids.values_list("object_id", flat=True)]


def user_may_open(user, record: Model) -> bool:
    """Whether `user` may have the files of `record` (a recording, image or document)."""
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    if isinstance(record, CollectionMember) and not collection_open_to(user, record.collection):
        return False
    return shown_to(user, record)


def shown_to(user, record: Model) -> bool:
    """Whether a live page that `user` may open uses `record`, and, for a recording, its
    own access level lets them have it too. The evidence of a consent record is for staff
    only, wherever else it is placed."""
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    if isinstance(record, MediaAsset) and not record.is_open_to(user):
        return False
    if isinstance(record, get_document_model()) and ConsentRecord.objects.filter(evidence=record).exists():
        return False
    return visible_to(Page.objects.filter(pk__in=pages_using(record)), user).exists()


def collection_open_to(user, collection: Collection) -> bool:
    """Whether Wagtail's collection privacy lets `user` have the collection's files: signed
    in for a login restriction, in one of the groups for a group restriction. A password
    restriction is for Wagtail's own document view only, so its files are not served here."""
    for restriction in collection.get_view_restrictions():
        if restriction.restriction_type == CollectionViewRestriction.LOGIN and user.is_authenticated:
            continue
        if (
            restriction.restriction_type == CollectionViewRestriction.GROUPS
            and user.is_authenticated
            and restriction.groups.filter(pk__in=user.groups.all()).exists()
        ):
            continue
        return False
    return True


def serve_file(request: HttpRequest, path: str) -> HttpResponse:
    # Finish under the file URLs alone, so that a refusal stays a 404 (see file_urls).
    request.urlconf = "heritage.file_urls"
    name = requested_name(request, path)
    if name is None or not any(user_may_open(request.user, owner) for owner in owners_of(name)):
        raise Http404
    return _file_response(request, name)


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


def _file_response(request: HttpRequest, name: str) -> HttpResponse:
    """The file stored under `name` (an authorised, well-formed name), honouring byte
    ranges: phones (Safari in particular) need 206 Partial Content to play audio and
    video, and every browser needs it to seek."""
    # Storages normalise names before use; a well-formed name is one they leave as it is,
    # so the file opened or signed is exactly the one authorised.
    if posixpath.normpath(name) != name:
        raise Http404
    suffix = os.path.splitext(name)[1].lower()
    try:
        local_path = default_storage.path(name)
    except NotImplementedError:
        if suffix in PASSED_THROUGH:
            return _passed_through(name, PASSED_THROUGH[suffix])
        # Object storage: hand out a short-lived signed URL; the store serves ranges.
        return HttpResponseRedirect(default_storage.url(name))
    content_type = PASSED_THROUGH.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = open(local_path, "rb")
    except OSError as error:
        # Missing, a folder, or unreadable: not a file anyone may have.
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


def _passed_through(name: str, content_type: str) -> HttpResponse:
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except OSError as error:
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
    """Wagtail's document view (/documents/<id>/<name>) asks this before sending a
    document: the same rule, and the same 404, as for /files/ (that view then applies
    Wagtail's collection privacy itself, with its password form)."""
    if shown_to(request.user, document):
        return None
    raise Http404
