"""An attacker's walk over the archive's stored files, shared by the leak test on local disk
and its run on MinIO: every file stored for non-public entries, asked for through many
hand-made paths anchored on public folders, sent raw to the WSGI handler as a web server
would pass them on (Django's test client would tidy some of them first)."""

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from PIL import Image as PILImage

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from heritage.access import AccessLevel
from heritage.files import owners_of, user_may_open
from heritage.models import EntryPage
from media_pipeline.models import MediaAsset

MEDIA_URL = "/files/"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@contextmanager
def wsgi_requests() -> Iterator[None]:
    # As Django's test client does: the end of a request must not close the database
    # connection that a test's transaction runs on.
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_finished.connect(close_old_connections)


def session_cookie(user) -> str:
    """The Cookie header of a signed-in session for `user` (none for anonymous)."""
    if user is None:
        return ""
    client = Client()
    client.force_login(user)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def raw_get(raw_uri: str, cookie: str = "", headers: dict[str, str] | None = None, raw_known: bool = True) -> Answer:
    """GET `raw_uri` exactly as written, as gunicorn passes it to Django: PATH_INFO decoded
    once, and (when `raw_known`) the raw request line in RAW_URI and REQUEST_URI, as
    Django's own development server does not."""
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if raw_known:
        environ["RAW_URI"] = environ["REQUEST_URI"] = raw_uri
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(response_headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(started["status"], started["headers"], body)


def _run_folder_files(folder: str) -> list[str]:
    directories, files = default_storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _run_folder_files(f"{folder}/{directory}")
    return names


def record_files_under(folder: str) -> list[str]:
    """The files stored directly in `folder`."""
    return [f"{folder}/{name}" for name in sorted(default_storage.listdir(folder)[1])]


def public_file_in(folder: str) -> str:
    """A file in `folder` that anonymous visitors may have."""
    anonymous = AnonymousUser()
    return next(
        name for name in record_files_under(folder) if any(user_may_open(anonymous, owner) for owner in owners_of(name))
    )


def asset_files(asset: MediaAsset) -> list[str]:
    """Every file stored for a recording: original, thumbnail, captions, and every file of
    its published rendition run (playlists, segments, downloads, poster, waveform …)."""
    names = [asset.file.name]
    if asset.thumbnail:
        names.append(asset.thumbnail.name)
    names += [track.file.name for track in asset.captions.all()]
    for folder in sorted(set(asset.renditions.values_list("folder", flat=True))):
        names += _run_folder_files(folder)
    return names


def entry_records(entry: EntryPage) -> list:
    records = []
    for block in list(entry.media) + list(entry.body):
        value = block.value
        if block.block_type == "audio_video" and value["media"] is not None:
            records.append(value["media"])
        elif block.block_type == "image":
            records.append(value["image"])
        elif block.block_type == "document":
            records.append(value["document"])
    return records


def record_files(record) -> list[str]:
    if isinstance(record, MediaAsset):
        return asset_files(record)
    if isinstance(record, get_image_model()):
        return [record.file.name, *(rendition.file.name for rendition in record.renditions.all())]
    return [record.file.name]


def hidden_files() -> dict[str, dict[str, str]]:
    """level → stored name → what it is, for every file of every live non-public entry
    (and of recordings whose own level is not public), leaving out files that a public
    page makes public anyway."""
    anonymous = AnonymousUser()
    found: dict[str, dict[str, str]] = {level: {} for level in AccessLevel.values if level != AccessLevel.PUBLIC}
    records = [
        (entry.access_level, record)
        for entry in EntryPage.objects.live().exclude(access_level=AccessLevel.PUBLIC).specific()
        for record in entry_records(entry)
    ]
    records += [(asset.access_level, asset) for asset in MediaAsset.objects.exclude(access_level=AccessLevel.PUBLIC)]
    for level, record in records:
        if user_may_open(anonymous, record):
            continue
        level = AccessLevel.RESTRICTED if getattr(record, "access_level", "") == AccessLevel.RESTRICTED else level
        for name in record_files(record):
            found[level][name] = f"{type(record).__name__} {record.pk}"
    return found


def assert_every_kind(files: dict[str, dict[str, str]]) -> None:
    """The hidden files hold every kind the archive stores."""
    names = " ".join(name for level in files.values() for name in level)
    kinds = ["captions/", "media/", "media_thumbnails/", "original_images/", "images/", "documents/", "master.m3u8"]
    kinds += ["index.m3u8", ".ts", "video.mp4", "poster.jpg", "thumbnail-", "speech.m4a", "waveform"]
    missing = [kind for kind in kinds if kind not in names]
    assert not missing, missing


def public_anchors() -> list[str]:
    """Public folders to walk up from: a public recording's run folders (deepest first),
    and the folders of public captions, originals and images."""
    anonymous = AnonymousUser()
    assets = [asset for asset in MediaAsset.objects.filter(access_level=AccessLevel.PUBLIC, status="ready")]
    asset = next(asset for asset in assets if asset.type == "video" and user_may_open(anonymous, asset))
    stream_folder = asset.stream.file.name.rsplit("/", 1)[0]
    variant_folder = f"{stream_folder}/{default_storage.listdir(stream_folder)[0][0]}"
    caption = asset.captions.first().file.name
    image = next(image for image in get_image_model().objects.all() if user_may_open(anonymous, image))
    anchors = [variant_folder, stream_folder, caption.rsplit("/", 1)[0], asset.file.name.rsplit("/", 1)[0]]
    anchors.append(image.file.name.rsplit("/", 1)[0])
    assert all(user_may_open(anonymous, owner) for owner in owners_of(asset.stream.file.name))
    return anchors


def public_video_entry(language: str = "vi") -> EntryPage:
    entries = EntryPage.objects.filter(access_level=AccessLevel.PUBLIC, locale__language_code=language).live()
    return next(entry for entry in entries.specific().order_by("pk") if first_video(entry) is not None)


def first_video(entry: EntryPage) -> MediaAsset | None:
    media = [block.value["media"] for block in entry.audio_video_blocks]
    return next((asset for asset in media if asset is not None and asset.type == "video"), None)


def restrict_a_public_video() -> MediaAsset:
    """Give a video of a public page its own restricted level, so that posters, thumbnails,
    MP4 downloads and video segments are among the hidden files."""
    video = first_video(public_video_entry())
    MediaAsset.objects.filter(pk=video.pk).update(access_level=AccessLevel.RESTRICTED)
    video.refresh_from_db()
    return video


def add_image_and_document(entry: EntryPage) -> None:
    """Publish an image (with a rendition) and a document in `entry`."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (80, 60), (90, 40, 20)).save(buffer, format="JPEG")
    image = get_image_model().objects.create(
        title=f"{entry.access_level} image",
        collection=Collection.get_first_root_node(),
        file=ImageFile(buffer, name=f"{entry.access_level}-image.jpg"),
    )
    image.get_rendition("fill-40x30")
    document = get_document_model().objects.create(
        title="Ghi chép điền dã", file=ContentFile(b"%PDF-1.4 field notes", name="field-notes.pdf")
    )
    entry.media.append(("image", {"image": image, "caption": "", "alt_text": ""}))
    entry.media.append(("document", {"document": document, "description": ""}))
    entry.save_revision().publish()


def _swap_case(name: str) -> str:
    folder, _, last = name.rpartition("/")
    return f"{folder}/{last.swapcase()}" if folder else name.swapcase()


def path_variants(name: str, anchor: str) -> list[str]:
    """Raw request paths that a sloppy server could take for `name`, walking up from the
    public `anchor` folder. None of them is the file's own URL."""
    depth = anchor.count("/") + 1
    target = quote(name)

    def up(step: str) -> str:
        return step * depth

    base = MEDIA_URL + quote(anchor) + "/"
    return [
        base + up("../") + target,
        base + up("%2e%2e/") + target,
        base + up("%2E%2E/") + target,
        base + up("..%2f") + target,
        base + up("..%2F") + target,
        base + up("%2e%2e%2f") + target,
        base + up(".%2e/") + target,
        base + up("%252e%252e/") + target,
        base + up("..%252f") + target,
        base + up("..\\") + target.replace("/", "\\"),
        base + up("..%5c") + target.replace("/", "%5c"),
        base + up("..%5C") + target,
        base + up("..;/") + target,
        base + up("%c0%ae%c0%ae/") + target,
        base + up("%e2%80%a4%e2%80%a4/") + target,  # ONE DOT LEADER, a lookalike dot
        base + up("%ef%bc%8e%ef%bc%8e/") + target,  # FULLWIDTH FULL STOP
        base + up("..%00/") + target,
        base + up(".../") + target,
        base + "./" + up("../") + "./" + target,
        base + "/" + up("..//") + target,
        base + up("%2e%2e/") + target + "/",
        MEDIA_URL + "/" + target,
        MEDIA_URL + target.replace("/", "//"),
        MEDIA_URL + "./" + target,
        MEDIA_URL + target + "/",
        MEDIA_URL + target + ";",
        MEDIA_URL + target + ";.jpg",
        MEDIA_URL + target + "%00",
        MEDIA_URL + target + "%00.jpg",
        MEDIA_URL + target + "%20",
        MEDIA_URL + target.replace("/", "%2f"),
        MEDIA_URL + _swap_case(target),
        MEDIA_URL + quote(name.upper()),
        MEDIA_URL + "".join(f"%{byte:02x}" for byte in name.encode()),
    ]


def leaks(files: dict[str, str], anchors: list[str], cookie: str) -> list[tuple[str, int]]:
    """Every (raw path, status) among the variants of `files` that did not answer 404, with
    a byte range on every other request and the raw URL known to every other one."""
    found = []
    count = 0
    for name in files:
        for number, variant in enumerate(path_variants(name, anchors[count % len(anchors)])):
            headers = {"Range": "bytes=0-99"} if number % 2 else {}
            answer = raw_get(variant, cookie, headers=headers, raw_known=(number // 2) % 2 == 0)
            if answer.status != 404:
                found.append((variant, answer.status))
            count += 1
    return found
