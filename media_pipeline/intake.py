"""Checks an original must pass before anything is transcoded: its size, what its bytes
really are, which containers and codecs it uses, and limits on streams, length, picture
size and channels. What it holds, not the form it came through, makes it audio or video.
Images are checked with Pillow, its decompression-bomb warning made an error."""

import hashlib
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from django.conf import settings

from media_pipeline import transcoder
from media_pipeline.failures import MediaRejectedError

# ffprobe's names for the demuxers an original may use, by file extension. The extension is
# what the officer claims; the demuxer ffprobe picks is what the bytes are.
MP4_FAMILY = ("mov", "mp4", "m4a", "3gp", "3g2", "mj2")
FORMATS_BY_EXTENSION = {
    "mp4": MP4_FAMILY,
    "m4v": MP4_FAMILY,
    "mov": MP4_FAMILY,
    "3gp": MP4_FAMILY,
    "m4a": MP4_FAMILY,
    "mkv": ("matroska", "webm"),
    "webm": ("matroska", "webm"),
    "avi": ("avi",),
    "mts": ("mpegts",),
    "mp3": ("mp3",),
    "aac": ("aac",),
    "wav": ("wav",),
    "flac": ("flac",),
    "ogg": ("ogg",),
    "opus": ("ogg",),
    "amr": ("amr",),
}
FORMAT_LABELS = {
    "mov": "MP4/MOV",
    "matroska": "MKV/WebM",
    "avi": "AVI",
    "mpegts": "MPEG-TS",
    "mp3": "MP3",
    "aac": "AAC",
    "wav": "WAV",
    "flac": "FLAC",
    "ogg": "Ogg",
    "amr": "AMR",
}
ALLOWED_FORMATS = tuple(sorted({name for names in FORMATS_BY_EXTENSION.values() for name in names}))
VIDEO_CODECS = frozenset(
    {"h264", "hevc", "mpeg4", "mpeg2video", "mpeg1video", "vp8", "vp9", "av1", "mjpeg", "h263", "theora", "dvvideo"}
)
AUDIO_CODECS = frozenset(
    {
        "aac",
        "mp3",
        "mp2",
        "opus",
        "vorbis",
        "flac",
        "alac",
        "ac3",
        "eac3",
        "amr_nb",
        "amr_wb",
        "pcm_s16le",
        "pcm_s16be",
        "pcm_s24le",
        "pcm_s32le",
        "pcm_f32le",
        "pcm_u8",
        "pcm_alaw",
        "pcm_mulaw",
    }
)
# Streams that may ride along (cover pictures, camera timecode, chapters) and are ignored.
IGNORED_STREAM_KINDS = frozenset({"data", "subtitle", "attachment"})
COVER_PICTURE_CODECS = frozenset({"mjpeg", "png", "bmp", "gif", "webp"})
TEXT_PREFIXES = (b"#EXTM3U", b"ffconcat", b"#EXTINF", b"<?xml", b"<!DOCTYPE", b"<html")


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_streams: int
    max_duration_seconds: float
    max_pixels: int
    max_channels: int
    probe_timeout_seconds: float

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.MAX_MEDIA_UPLOAD_MB * 1024 * 1024,
            max_streams=settings.MEDIA_MAX_STREAMS,
            max_duration_seconds=settings.MEDIA_MAX_DURATION_SECONDS,
            max_pixels=settings.MEDIA_MAX_PIXELS,
            max_channels=settings.MEDIA_MAX_CHANNELS,
            probe_timeout_seconds=settings.MEDIA_PROBE_TIMEOUT_SECONDS,
        )


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def inspect_original(path: Path, claimed_name: str, limits: Limits) -> transcoder.ProbeResult:
    """What the original is, or MediaRejectedError saying why it is refused."""
    size = path.stat().st_size
    if size == 0:
        raise MediaRejectedError("empty")
    if size > limits.max_bytes:
        raise MediaRejectedError("too_large", size=size, limit_bytes=limits.max_bytes)
    extension = extension_of(claimed_name)
    expected_formats = FORMATS_BY_EXTENSION.get(extension)
    if expected_formats is None:
        raise MediaRejectedError("container_not_allowed", extension=f".{extension}")
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    # Playlists and concat scripts make ffmpeg open other files; they are refused by
    # their first bytes before any demuxer sees them.
    if head.startswith(TEXT_PREFIXES):
        raise MediaRejectedError("unreadable")
    try:
        result = transcoder.probe(path, timeout=limits.probe_timeout_seconds, allowed_formats=ALLOWED_FORMATS)
    except transcoder.TranscodeTimeoutError as error:
        raise MediaRejectedError("timed_out", seconds=round(limits.probe_timeout_seconds)) from error
    except transcoder.TranscoderError as error:
        raise MediaRejectedError("unreadable") from error
    if not result.streams or not set(result.format_names) & set(ALLOWED_FORMATS):
        raise MediaRejectedError("unreadable")
    if not set(result.format_names) & set(expected_formats):
        raise MediaRejectedError("type_mismatch", extension=extension, container=format_label(result.format_names))
    _check_limits(result, limits)
    _check_codecs(result)
    return result


def media_type_of(result: transcoder.ProbeResult) -> str:
    """ "video" when the original has a moving picture, else "audio" (an MP4 of a voice memo,
    an MP3 with a cover picture)."""
    return "video" if result.video_streams else "audio"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `inspect_original`, with its checksum."""

    probe: transcoder.ProbeResult
    sha256: str
    size: int

    @property
    def media_type(self) -> str:
        return media_type_of(self.probe)


def inspect_upload(uploaded, limits: Limits) -> CheckedUpload:
    """`inspect_original` for a file still in the upload form (in memory or in a temporary
    file), hashed on the way."""
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="heritage-upload-") as work:
        path = Path(work) / f"upload.{extension_of(uploaded.name) or 'bin'}"
        uploaded.seek(0)
        with path.open("wb") as copy:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                copy.write(chunk)
        uploaded.seek(0)
        probe = inspect_original(path, uploaded.name, limits)
    return CheckedUpload(probe=probe, sha256=digest.hexdigest(), size=uploaded.size)


def format_label(format_names: tuple[str, ...]) -> str:
    """A name officers know for what ffprobe calls e.g. "mov,mp4,m4a,3gp,3g2,mj2"."""
    for name in format_names:
        if name in FORMAT_LABELS:
            return FORMAT_LABELS[name]
    return (format_names[0] if format_names else "?").upper()


def _check_limits(result: transcoder.ProbeResult, limits: Limits) -> None:
    # Every stream costs a demuxer and decoder slot when the file is opened.
    if len(result.streams) > limits.max_streams:
        raise MediaRejectedError("too_many_streams", streams=len(result.streams), limit=limits.max_streams)
    for stream in result.video_streams:
        if stream.width and stream.height and stream.width * stream.height > limits.max_pixels:
            raise MediaRejectedError(
                "too_many_pixels", width=stream.width, height=stream.height, limit=limits.max_pixels
            )
    for stream in result.audio_streams:
        if stream.channels and stream.channels > limits.max_channels:
            raise MediaRejectedError("too_many_channels", channels=stream.channels, limit=limits.max_channels)
    if result.duration is None or result.duration <= 0:
        raise MediaRejectedError("unknown_duration")
    if result.duration > limits.max_duration_seconds:
        raise MediaRejectedError("too_long", duration=result.duration, limit_seconds=limits.max_duration_seconds)


def _check_codecs(result: transcoder.ProbeResult) -> None:
    for stream in result.streams:
        if stream.kind in IGNORED_STREAM_KINDS:
            continue
        if stream.kind == "video" and stream.attached_picture and stream.codec in COVER_PICTURE_CODECS:
            continue
        allowed = VIDEO_CODECS if stream.kind == "video" else AUDIO_CODECS if stream.kind == "audio" else frozenset()
        if stream.codec not in allowed:
            raise MediaRejectedError("codec_not_allowed", kind=stream.kind, codec=stream.codec)
    if not result.video_streams and not result.audio_streams:
        raise MediaRejectedError("no_audio")


def check_image(file) -> tuple[int, int]:
    """The size of an uploaded image, refusing images whose declared size is a bomb and
    images whose data does not decode to the end (broken, truncated)."""
    limit = Image.MAX_IMAGE_PIXELS
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                # JPEGs decode at an eighth of their size here: enough to read every block.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise MediaRejectedError("image_too_large", pixels=_declared_pixels(error), limit=limit) from error
    except Exception as error:  # any Pillow error on untrusted bytes means unreadable
        raise MediaRejectedError("image_unreadable") from error
    finally:
        if hasattr(file, "seek"):
            file.seek(position)
    return width, height


def _declared_pixels(error: Exception) -> int:
    for word in str(error).replace("(", " ").split():
        if word.isdigit():
            return int(word)
    return 0
