"""Serving stored files: one rule for every file, on local disk and on object storage.

A file is served only when the requested name is well formed (see
`media_pipeline.stored_names`), the raw URL says the same name as the decoded one, and
that exact name is the file of a record the visitor may see: a recording's original or
thumbnail, a file of its published rendition run, one of its caption tracks, an image or
one of its renditions, or a document. A visitor may see a record when a live page they
may open uses it and, for a recording, when its own access level lets them too; a record
in an entry's media section also needs the entry's files to be open to them, which "on
request" keeps to staff (pictures in the description are read with it). An access grant
opens one entry's records to its holder, and each file served through a grant is logged.
People who work in the admin see every record (they preview drafts). Everything else,
whether missing, malformed or not the visitor's, answers the same 404."""

import mimetypes
import os
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Model, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionMember, CollectionViewRestriction, Page, ReferenceIndex
from wagtailmedia.models import get_media_model

from heritage.access import active_grant, file_levels, grant_opening_recording, visible_to
from heritage.models.consent import ConsentRecord
from media_pipeline.models import CaptionTrack, MediaAsset, Rendition
from media_pipeline.stored_names import is_well_formed, run_folder_of

if TYPE_CHECKING:
    from access_requests.models import AccessGrant

# A visitor may have a record as anyone in their groups may: nothing to log. The other
# way in is an access grant (access_requests.models.AccessGrant), which logs each file.
OPEN = "open"

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


# The entry field whose records are the entry's files; the others are its description.
MEDIA_FIELD = "media"


def pages_using(record: Model, in_media: bool | None = None) -> list[int]:
    """The pages that use `record`; with `in_media`, only those that do (or do not) place
    it in their media section."""
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.get_references_to(record).filter(base_content_type=page_type)
    if in_media is not None:
        in_media_q = Q(model_path=MEDIA_FIELD) | Q(model_path__startswith=f"{MEDIA_FIELD}.")
        references = references.filter(in_media_q) if in_media else references.exclude(in_media_q)
    return [int(object_id) for object_id in references.values_list("object_id", flat=True)]


def user_may_open(user, record: Model) -> bool:
    """Whether `user` may have the files of `record` (a recording, image or document)."""
    return opening(user, record) is not None


def opening(user, record: Model) -> "str | AccessGrant | None":
    """How `user` may have the files of `record`: as anyone in their groups (`OPEN`), only
    through an access grant (that grant), or not at all (None)."""
    if user.has_perm("wagtailadmin.access_admin"):
        return OPEN
    if isinstance(record, CollectionMember) and not collection_open_to(user, record.collection):
        return None
    return shown(user, record)


def shown_to(user, record: Model) -> bool:
    return shown(user, record) is not None


def shown(user, record: Model) -> "str | AccessGrant | None":
    """Whether a live page that `user` may open uses `record` (in its media section, a page
    whose files are open to them) and, for a recording, its own access level lets them
    have it too: `OPEN`; else the grant of theirs that opens an entry using it, whose level
    is not narrower than the record's own; else None. The evidence of a consent record is
    for staff only, wherever else it is placed."""
    if user.has_perm("wagtailadmin.access_admin"):
        return OPEN
    if isinstance(record, get_document_model()) and ConsentRecord.objects.filter(evidence=record).exists():
        return None
    as_file = visible_to(Page.objects.filter(pk__in=pages_using(record, in_media=True)), user, levels=file_levels(user))
    as_description = visible_to(Page.objects.filter(pk__in=pages_using(record, in_media=False)), user)
    own_level_open = not isinstance(record, MediaAsset) or record.is_open_to(user)
    if own_level_open and (as_file.exists() or as_description.exists()):
        return OPEN
    return _grant_opening(user, record)


def _grant_opening(user, record: Model) -> "AccessGrant | None":
    if not user.is_authenticated:
        return None
    for page in Page.objects.filter(pk__in=pages_using(record)).live().specific():
        if isinstance(record, MediaAsset):
            grant = grant_opening_recording(user, page, record)
        else:
            grant = active_grant(user, page)
        if grant is not None:
            return grant
    return None


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
    if name is None:
        raise Http404
    grant = None
    for owner in owners_of(name):
        way = opening(request.user, owner)
        if way is OPEN:
            return _shared_with_other_sites(request, name, _file_response(request, name))
        grant = grant or way
    if grant is None:
        raise Http404
    if starts_a_reading(request):
        grant.log_file(name)
    return _file_response(request, name)


def _shared_with_other_sites(request: HttpRequest, name: str, response: HttpResponse) -> HttpResponse:
    """Lets any site's script read a file that anyone may have (IIIF viewers elsewhere
    fetch captions, playlists and segments): never a file only some visitors may have."""
    anonymous = AnonymousUser()
    if not request.user.is_authenticated or any(opening(anonymous, owner) is OPEN for owner in owners_of(name)):
        response["Access-Control-Allow-Origin"] = "*"
    return response


def starts_a_reading(request: HttpRequest) -> bool:
    """Whether this request starts a view or download, rather than continuing one (a
    player asks for the rest of a file by byte ranges): one log line per reading."""
    match = RANGE_PATTERN.match(request.headers.get("Range", "").strip())
    return match is None or match.group(1) in ("", "0")


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
    way = shown(request.user, document)
    if way is None:
        raise Http404
    if way is not OPEN:
        way.log_file(document.file.name)
    return None
