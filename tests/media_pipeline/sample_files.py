"""Small media files, good and deliberately bad, for tests of the transcoding pipeline.

Every ``make_*`` function writes one file into ``folder`` and returns its path. They are fast (well under two
seconds each) and small (at most a couple of megabytes), and never touch the network. Video and compressed audio
come from ffmpeg's built-in sources (``testsrc2``, ``sine``, ``aevalsrc``); the hostile files are written byte by
byte or patched after encoding.
"""

from __future__ import annotations

import array
import json
import math
import random
import struct
import subprocess
import sys
import wave
import zlib
from pathlib import Path

FFMPEG_TIMEOUT = 60
PROBE_TIMEOUT = 20

# libavcodec refuses (and zeroes) any frame size with (w + 128) * (h + 128) >= INT_MAX / 8; see av_image_check_size.
_AVCODEC_MAX_AREA = (2**31 - 1) // 8


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({result.returncode}): {result.stderr.decode(errors='replace').strip()}")
    return result


def _ffmpeg(*args: str, timeout: float = FFMPEG_TIMEOUT) -> None:
    _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], timeout)


def probe(path: Path) -> dict:
    """What ffprobe says about ``path``: its ``-show_format -show_streams`` JSON as a dict.

    Raises RuntimeError (with ffprobe's message) when ffprobe cannot open the file.
    """
    result = _run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        PROBE_TIMEOUT,
    )
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------------------------------
# Good files
# --------------------------------------------------------------------------------------------------------------


def make_video(folder: Path, seconds: float = 4, width: int = 640, height: int = 360, name: str = "clip.mp4") -> Path:
    """An H.264 (yuv420p) + AAC MP4 at 25 fps: moving ``testsrc2`` pattern and a 440 Hz tone, moov at the front.

    The ordinary upload. Not tricky on purpose, but the picture moves, so every frame differs (thumbnails taken at
    different times differ) and both streams have exactly ``seconds`` of media.
    """
    if width % 2 or height % 2:
        raise ValueError("yuv420p H.264 needs even dimensions")
    path = folder / name
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-ac", "1",
        "-shortest", "-movflags", "+faststart", str(path),
    )  # fmt: skip
    return path


_AUDIO_CODECS = {".m4a": ["-c:a", "aac"], ".mp3": ["-c:a", "libmp3lame"], ".wav": ["-c:a", "pcm_s16le"]}


def _make_audio(path: Path, seconds: float, sample_rate: int, bitrate: str, noise: bool) -> Path:
    codec = _AUDIO_CODECS.get(path.suffix.lower())
    if codec is None:
        raise ValueError(f"unsupported audio extension {path.suffix!r}; use one of {sorted(_AUDIO_CODECS)}")
    if path.suffix.lower() != ".wav":
        codec = [*codec, "-b:a", bitrate]
    # A 220 Hz tone whose loudness swells and fades every two seconds, like phrases of speech.
    loudness = "(0.15+0.85*abs(sin(PI*t/2)))"
    if noise:  # a per-sample expression with some noise: realistic but slow, fine for a few seconds
        signal = f"(0.6*sin(2*PI*220*t)+0.1*(2*random(0)-1))*{loudness}"
        source = ["-f", "lavfi", "-i", f"aevalsrc={signal}:sample_rate={sample_rate}:duration={seconds}"]
    else:  # fast for long durations: the gain is evaluated once per 1024-sample frame
        tone = f"sine=frequency=220:sample_rate={sample_rate}:duration={seconds}"
        source = ["-f", "lavfi", "-i", tone, "-af", f"volume='{loudness}':eval=frame"]
    _ffmpeg(*source, "-ac", "1", *codec, str(path))
    return path


def make_audio(folder: Path, seconds: float = 4, name: str = "speech.m4a") -> Path:
    """Mono 44.1 kHz audio, a tone with noise whose loudness varies, as AAC (.m4a), MP3 (.mp3) or PCM WAV (.wav).

    The ordinary audio upload. The varying loudness keeps loudness normalisation and waveform rendering honest
    (a constant tone looks the same at every scale); the container is chosen from the extension of ``name``.
    """
    return _make_audio(folder / name, seconds, 44100, "48k", noise=True)


def make_webvtt(folder: Path, cues: list[tuple[float, float, str]], name: str = "captions.vtt") -> Path:
    """A valid WebVTT file with one cue per ``(start_seconds, end_seconds, text)``; text is written as given.

    Text may hold WebVTT markup (``<v Speaker>``, ``<i>``) and line breaks, but not ``-->`` or a blank line, which
    would end the cue early; timestamps use the full ``HH:MM:SS.mmm`` form.
    """

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        secs, millis = divmod(millis, 1000)
        return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"

    blocks = ["WEBVTT"]
    for number, (start, end, text) in enumerate(cues, start=1):
        if not 0 <= start < end:
            raise ValueError(f"cue {number}: need 0 <= start < end, got {start}..{end}")
        if "-->" in text or "\n\n" in text.replace("\r\n", "\n") or not text.strip():
            raise ValueError(f"cue {number}: text must be non-empty, without '-->' or blank lines")
        blocks.append(f"{number}\n{stamp(start)} --> {stamp(end)}\n{text}")
    path = folder / name
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------------------
# Bad files: each must be refused
# --------------------------------------------------------------------------------------------------------------


def make_zero_byte(folder: Path, name: str = "empty.mp4") -> Path:
    """An empty file with a media extension.

    Tricky because nothing about the name is wrong; ffprobe fails with "Invalid data found when processing input".
    """
    path = folder / name
    path.write_bytes(b"")
    return path


def _top_level_boxes(data: bytes) -> list[bytes]:
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        boxes.append(kind)
        if size < 8:
            break
        offset += size
    return boxes


def make_truncated_mp4(folder: Path, name: str = "truncated.mp4") -> Path:
    """A 6 s H.264/AAC MP4 with its moov atom at the front (``+faststart``), cut to half of its bytes.

    Tricky because the header survives: ffprobe succeeds and reports the full 6 s duration and both streams, while
    the media data stops about half-way. Only decoding to the end (or checking that the sample table fits in the
    file) shows the damage, e.g. an upload interrupted without the client noticing.
    """
    whole = folder / f".whole-{name}"
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=6",
        "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:duration=6",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k", "-ac", "1",
        "-shortest", "-movflags", "+faststart", str(whole),
    )  # fmt: skip
    data = whole.read_bytes()
    whole.unlink()
    boxes = _top_level_boxes(data)
    if b"moov" not in boxes or b"mdat" not in boxes or boxes.index(b"moov") > boxes.index(b"mdat"):
        raise RuntimeError(f"expected moov before mdat, got top-level boxes {boxes}")
    path = folder / name
    path.write_bytes(data[: len(data) // 2])
    return path


def make_random_bytes(folder: Path, name: str = "random.mp4", size: int = 64 * 1024, seed: int = 20240601) -> Path:
    """``size`` pseudo-random bytes (reproducible from ``seed``) under a media extension.

    Tricky because format probing on noise is a matter of scores: no demuxer recognises the content, so ffprobe
    falls back to the extension's demuxer (mov for .mp4), which fails with "moov atom not found"; other seeds or
    sizes could be claimed by a lenient raw-stream probe.
    """
    path = folder / name
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_text_as_mp3(folder: Path, name: str = "notes.mp3") -> Path:
    """A plain UTF-8 text file named ``.mp3``.

    Tricky because MP3 has no mandatory file header: demuxers scan for frame sync words, so the extension is the
    only thing claiming it is audio. ffprobe picks the mp3 demuxer from the extension and fails ("Failed to read
    frame size"); named .txt, the same bytes probe as the ``tty`` (ANSI art) "video" format instead.
    """
    path = folder / name
    lines = [
        "Meeting notes - not an audio file.",
        "This text was renamed to .mp3 by mistake; a media pipeline must refuse it.",
        *(f"Line {n}: the quick brown fox jumps over the lazy dog." for n in range(1, 41)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_hls_playlist_with_local_and_network_refs(folder: Path, http_url: str, name: str = "playlist.mp4") -> Path:
    """An HLS media playlist (``#EXTM3U``) whose segments are ``file:///etc/passwd`` and ``http_url``.

    Tricky because ffmpeg's HLS demuxer follows the URLs it lists: opened without a protocol/format whitelist, such
    an "upload" could make the server read its own files into the output or make requests to internal services
    (SSRF). It is saved under a media extension so that only content sniffing recognises it.
    """
    path = folder / name
    path.write_text(
        "#EXTM3U\n"
        "#EXT-X-VERSION:3\n"
        "#EXT-X-TARGETDURATION:4\n"
        "#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXTINF:4.0,\n"
        "file:///etc/passwd\n"
        "#EXTINF:4.0,\n"
        f"{http_url}\n"
        "#EXT-X-ENDLIST\n",
        encoding="utf-8",
    )
    return path


def make_ffconcat(folder: Path, name: str = "concat.mp4", target: str = "/etc/passwd") -> Path:
    """An ffconcat script (``ffconcat version 1.0`` + ``file '/etc/passwd'``) under a media extension.

    Tricky because the concat demuxer is picked by content, whatever the extension, and makes ffmpeg open the
    listed files; its default ``safe=1`` refuses absolute paths, but a pipeline must not depend on that.
    """
    path = folder / name
    path.write_text(f"ffconcat version 1.0\nfile '{target}'\n", encoding="utf-8")
    return path


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def make_huge_image(folder: Path, name: str = "bomb.png", width: int = 100_000, height: int = 100_000) -> Path:
    """A PNG of a few hundred bytes whose IHDR declares ``width`` x ``height`` 8-bit RGB pixels (30 GB decoded).

    A decompression bomb: every chunk has a correct CRC and the IDAT holds a valid (unfinished) zlib stream for
    the first row, so only the declared size gives it away. Pillow's ``Image.open`` raises DecompressionBombError
    for more than twice ``Image.MAX_IMAGE_PIXELS``; anything that decodes it first runs out of memory.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour, deflate, no filter, no interlace
    compressor = zlib.compressobj(9)
    first_row = b"\x00" + bytes(3 * width)  # filter type 0, black pixels
    idat = compressor.compress(first_row) + compressor.flush(zlib.Z_SYNC_FLUSH)
    path = folder / name
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    )
    return path


def _read_ebml_id(data: bytes | bytearray, offset: int) -> tuple[int, int]:
    length = 8 - data[offset].bit_length() + 1
    return int.from_bytes(data[offset : offset + length], "big"), length


def _read_ebml_size(data: bytes | bytearray, offset: int) -> tuple[int, int]:
    length = 8 - data[offset].bit_length() + 1
    value = int.from_bytes(data[offset : offset + length], "big") & ((1 << (7 * length)) - 1)
    return value, length


_MKV_PATH_TO_VIDEO = {0x18538067, 0x1654AE6B, 0xAE, 0xE0}  # Segment > Tracks > TrackEntry > Video
_MKV_PIXEL_WIDTH, _MKV_PIXEL_HEIGHT = 0xB0, 0xBA


def _find_mkv_pixel_sizes(data: bytearray, start: int, end: int, found: dict[int, tuple[int, int]]) -> None:
    offset = start
    while offset < end:
        element_id, id_length = _read_ebml_id(data, offset)
        size, size_length = _read_ebml_size(data, offset + id_length)
        body = offset + id_length + size_length
        if size == (1 << (7 * size_length)) - 1:  # "unknown size" (live streaming): runs to the end of the parent
            size = end - body
        if element_id in _MKV_PATH_TO_VIDEO:
            _find_mkv_pixel_sizes(data, body, min(body + size, end), found)
        elif element_id in (_MKV_PIXEL_WIDTH, _MKV_PIXEL_HEIGHT):
            found[element_id] = (body, size)
        offset = body + size


def make_huge_video(folder: Path, name: str = "huge.mkv", width: int = 16_000, height: int = 16_000) -> Path:
    """A 200 KB Matroska file of raw (uncompressed, ``I420``) video whose track header claims ``width`` x ``height``.

    Encoded as two 256x256 frames, then the PixelWidth/PixelHeight elements are patched in place; raw video has no
    header of its own, so ffprobe reports the container's size (and no decoder allocates such a frame: the packets
    are far too short for it). A pipeline must refuse on the probed size, before it decodes anything.

    Why not 20000x20000: libavcodec zeroes any size with (w + 128) * (h + 128) >= INT_MAX / 8 when it opens a
    decoder, and ffprobe then reports width=0 height=0; 16000x16000 (256 megapixels) is near the largest it reports.
    """
    if not (256 < width < 65536 and 256 < height < 65536):
        raise ValueError("width and height must be above 256 and fit the 2-byte elements written for 256x256")
    if (width + 128) * (height + 128) >= _AVCODEC_MAX_AREA:
        raise ValueError(f"ffprobe would report {width}x{height} as 0x0; keep (w + 128) * (h + 128) < 2**31 / 8")
    path = folder / name
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=256x256:rate=2:duration=1",
        "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-write_crc32", "0", str(path),
    )  # fmt: skip
    data = bytearray(path.read_bytes())
    found: dict[int, tuple[int, int]] = {}
    _find_mkv_pixel_sizes(data, 0, len(data), found)
    for element_id, value in ((_MKV_PIXEL_WIDTH, width), (_MKV_PIXEL_HEIGHT, height)):
        body, size = found[element_id]
        if size != 2 or int.from_bytes(data[body : body + 2], "big") != 256:
            raise RuntimeError(f"unexpected Matroska element {element_id:#x}: {size} bytes at {body}")
        data[body : body + 2] = value.to_bytes(2, "big")
    path.write_bytes(data)
    return path


def make_many_channels(folder: Path, channels: int = 40, name: str = "choir.wav", sample_rate: int = 16000) -> Path:
    """A 1 s, 16-bit PCM WAV with ``channels`` channels (each a different tone), written with ``wave``.

    Tricky because the file is perfectly valid; only the channel count is absurd for an archive. WAVE_FORMAT_PCM
    with no channel mask, so ffprobe reports the count but no channel layout, and downmixing must be decided.
    """
    frames = sample_rate  # one second
    samples = array.array("h", bytes(2 * channels * frames))
    for channel in range(channels):
        period = max(2, sample_rate // (110 + 20 * channel))
        cycle = array.array("h", (round(8000 * math.sin(2 * math.pi * k / period)) for k in range(period)))
        tone = cycle * (frames // period + 1)
        samples[channel::channels] = tone[:frames]
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples.byteswap()
    path = folder / name
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(samples.tobytes())
    return path


def make_long_audio(folder: Path, seconds: float, name: str = "long.m4a") -> Path:
    """Mono audio of ``seconds``: a tone varying in loudness, 8 kHz, 16 kbit/s AAC (.m4a) or MP3 (.mp3), or WAV.

    Not broken at all: it is refused only because it is longer than the limit the tests configure, which must be
    judged from the probed duration, before transcoding starts. Ten minutes take about a second and 1.2 MB
    (WAV: 16 kB per second).
    """
    return _make_audio(folder / name, seconds, 8000, "16k", noise=False)


def make_audio_only(folder: Path, name: str, seconds: float = 2) -> Path:
    """A recording with sound and no picture in a container usually used for video (.mp4, .mov, .mkv, .webm).

    Not broken: phones and recorders save voice memos this way. AAC in MP4/MOV/MKV, Opus in WebM (the only audio
    codecs WebM allows besides Vorbis). The content, not the extension, says it is audio.
    """
    codec = ["-c:a", "libopus", "-b:a", "32k"] if name.lower().endswith(".webm") else ["-c:a", "aac", "-b:a", "48k"]
    path = folder / name
    _ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={seconds}", "-ac", "1", *codec, str(path)
    )  # fmt: skip
    return path


def make_many_streams(folder: Path, audio_tracks: int = 120, name: str = "tracks.mkv") -> Path:
    """One second of video with ``audio_tracks`` copies of the same tone as separate audio streams.

    Every stream is valid; only their number is absurd. Each one costs a decoder (and memory) when the file is
    opened, so a pipeline must count streams from the probe before it decodes anything.
    """
    maps: list[str] = []
    for _ in range(audio_tracks):
        maps += ["-map", "1:a"]
    path = folder / name
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=1",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=1",
        "-map", "0:v", *maps,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", str(path),
    )  # fmt: skip
    return path
