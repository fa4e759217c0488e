"""The layout of stored file names: where each kind of file lives in the store, and which
names are well formed. Publishing writes names from here and file serving reads them back
with the same rules, so a name the archive did not write cannot be mistaken for one it did."""

import posixpath
import re
import secrets

# Folders of the files the archive names itself. Originals (`media/`), media thumbnails
# (`media_thumbnails/`), images, image renditions and documents get theirs from
# wagtailmedia and Wagtail, and are served only by exact match with their records.
CAPTIONS = "captions"
RENDITIONS = "renditions"

# Every file a rendition run writes, relative to its run folder: `hls/master.m3u8`,
# `hls/360p/index.m3u8`, `hls/360p/segment_00000.ts`, `video.mp4`, `poster.jpg`,
# `thumbnail-small.jpg`, `speech.m4a`, `waveform.json`.
RUN_FILE_SUFFIXES = ("m3u8", "ts", "m4s", "mp4", "m4a", "jpg", "json")
RUN_FILE = re.compile(
    rf"^(?P<folder>{RENDITIONS}/(?P<asset_id>[1-9][0-9]*)/[0-9a-f]{{32}})"
    rf"/(?:[a-z0-9_-]+/){{0,2}}[a-z0-9_-]+\.(?:{'|'.join(RUN_FILE_SUFFIXES)})$"
)
# Characters no stored name holds: control characters (NUL among them), backslash, and the
# `%` that would mean the name was percent-encoded once more than the store knows.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\%]")
MAX_NAME_LENGTH = 1000


def run_folder(asset_id: int, attempt: str) -> str:
    """The folder of one rendition run of one asset."""
    return f"{RENDITIONS}/{asset_id}/{attempt}"


def run_folder_of(name: str) -> str | None:
    """The run folder holding `name` when it is a name a rendition run writes, else None."""
    match = RUN_FILE.match(name)
    return match.group("folder") if match else None


def caption_name(track, filename: str) -> str:
    """A caption track's stored name: random, so that it says nothing about the entry and
    cannot be guessed; the language is kept for people reading the store."""
    language = re.sub(r"[^a-z0-9-]", "", (track.language or "").lower())[:20] or "und"
    return f"{CAPTIONS}/{secrets.token_hex(16)}.{language}.vtt"


def is_well_formed(name: str) -> bool:
    """True when `name` is a stored name as the archive writes them: relative, normalised,
    with no empty, `.` or `..` segment, no backslash, NUL, other control character or `%`.
    A well-formed name is never changed by the normalisation storages apply before use."""
    if not name or len(name) > MAX_NAME_LENGTH or FORBIDDEN_CHARACTERS.search(name):
        return False
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return False
    return posixpath.normpath(name) == name
