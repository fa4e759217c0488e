"""Our small interface to ffmpeg and ffprobe. ffmpeg-python (unreleased since 2019) is used
here only to build command lines, so replacing it touches this module alone. Running is
ours: every run has a timeout, reads progress, and dies with the worker that started it.

Untrusted input is opened with the `file` protocol only, through an allow-list of
demuxers, and with a cap on the pixels per frame."""

import ctypes
import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ffmpeg

from media_pipeline.profiles import Rung

LOG_TAIL_CHARACTERS = 2000
PROGRESS_INTERVAL = 0.5


class TranscoderError(Exception):
    """ffmpeg or ffprobe could not do what was asked; `detail` is ffmpeg's own words."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class TranscodeTimeoutError(TranscoderError):
    pass


class ProgramMissingError(TranscoderError):
    pass


@dataclass(frozen=True)
class Stream:
    index: int
    kind: str
    codec: str
    width: int | None = None
    height: int | None = None
    channels: int | None = None
    sample_rate: int | None = None
    duration: float | None = None
    frame_rate: float | None = None
    attached_picture: bool = False
    rotation: int = 0

    @property
    def displayed_portrait(self) -> bool:
        if not self.width or not self.height:
            return False
        turned = abs(self.rotation) % 180 == 90
        return (self.width < self.height) != turned

    @property
    def short_side(self) -> int:
        return min(self.width or 0, self.height or 0)


@dataclass(frozen=True)
class ProbeResult:
    format_names: tuple[str, ...]
    duration: float | None
    bit_rate: int | None
    streams: tuple[Stream, ...] = field(default_factory=tuple)

    @property
    def video_streams(self) -> tuple[Stream, ...]:
        return tuple(stream for stream in self.streams if stream.kind == "video" and not stream.attached_picture)

    @property
    def audio_streams(self) -> tuple[Stream, ...]:
        return tuple(stream for stream in self.streams if stream.kind == "audio")

    def as_metadata(self) -> dict:
        return {
            "container": ",".join(self.format_names),
            "duration": self.duration,
            "bit_rate": self.bit_rate,
            "streams": [asdict(stream) for stream in self.streams],
        }


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ProgramMissingError(f"{name} is not installed; run `make install-system`.")
    return path


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: after fork, only async-safe calls
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    """Runs in the child before exec: if the worker is killed, ffmpeg is killed too, so no
    orphan keeps writing after the job is gone (Linux only; a no-op elsewhere)."""
    if _LIBC is not None and hasattr(_LIBC, "prctl"):
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the worker died before the line above took effect
            os._exit(1)


def _number(value, kind=float):
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


def _frame_rate(value: str | None) -> float | None:
    if not value or "/" not in value:
        return None
    numerator, denominator = value.split("/", 1)
    return round(int(numerator) / int(denominator), 3) if denominator not in ("", "0") else None


def _stream(raw: dict) -> Stream:
    return Stream(
        index=int(raw.get("index", 0)),
        kind=raw.get("codec_type", "unknown"),
        codec=raw.get("codec_name", "unknown"),
        width=_number(raw.get("width"), int),
        height=_number(raw.get("height"), int),
        channels=_number(raw.get("channels"), int),
        sample_rate=_number(raw.get("sample_rate"), int),
        duration=_number(raw.get("duration")),
        frame_rate=_frame_rate(raw.get("avg_frame_rate")),
        attached_picture=bool(raw.get("disposition", {}).get("attached_pic")),
        rotation=_rotation(raw),
    )


def _rotation(raw: dict) -> int:
    for side_data in raw.get("side_data_list", []):
        if "rotation" in side_data:
            return int(_number(side_data["rotation"]) or 0)
    return int(_number(raw.get("tags", {}).get("rotate")) or 0)


def probe(path: Path, *, timeout: float, allowed_formats: Iterable[str]) -> ProbeResult:
    """Container, streams and duration of a file, read without touching anything but it."""
    command = [
        _program("ffprobe"),
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        ",".join(allowed_formats),
        "-show_format",
        "-show_streams",
        "-of",
        "json",
        "-i",
        f"file:{path}",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False, preexec_fn=_die_with_parent)
    except subprocess.TimeoutExpired as error:
        raise TranscodeTimeoutError(f"ffprobe took longer than {timeout:.0f} s") from error
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace")[-LOG_TAIL_CHARACTERS:]
        raise TranscoderError("ffprobe could not read the file", detail)
    data = json.loads(result.stdout or b"{}")
    container = data.get("format", {})
    return ProbeResult(
        format_names=tuple(name for name in container.get("format_name", "").split(",") if name),
        duration=_number(container.get("duration")),
        bit_rate=_number(container.get("bit_rate"), int),
        streams=tuple(_stream(raw) for raw in data.get("streams", [])),
    )


def run(
    arguments: list[str],
    *,
    timeout: float,
    duration: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> None:
    """Run ffmpeg with `arguments` (as made by the builders below). `on_progress` gets the
    fraction done, read from ffmpeg's `-progress` output, when the duration is known."""
    command = [
        _program("ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostats",
        "-progress",
        "pipe:1",
        "-y",
        *arguments,
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, preexec_fn=_die_with_parent)
        progress = _Progress(duration)
        reader = threading.Thread(target=progress.read, args=(process.stdout,), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        reported = None
        try:
            # Progress is reported from this thread: callbacks may use the database
            # connection, which belongs to the thread that opened it.
            while True:
                try:
                    returncode = process.wait(timeout=min(PROGRESS_INTERVAL, max(deadline - time.monotonic(), 0.01)))
                    break
                except subprocess.TimeoutExpired as error:
                    if time.monotonic() >= deadline:
                        process.kill()
                        process.wait()
                        raise TranscodeTimeoutError(f"ffmpeg took longer than {timeout:.0f} s") from error
                if on_progress is not None and progress.fraction is not None and progress.fraction != reported:
                    reported = progress.fraction
                    on_progress(reported)
        finally:
            reader.join(timeout=5)
            process.stdout.close()
        if returncode != 0:
            log.seek(0)
            detail = log.read().decode(errors="replace")[-LOG_TAIL_CHARACTERS:]
            raise TranscoderError(f"ffmpeg exited with status {returncode}", detail)


class _Progress:
    """The latest fraction done, read from ffmpeg's `-progress` lines."""

    def __init__(self, duration: float | None) -> None:
        self.duration = duration
        self.fraction: float | None = None

    def read(self, pipe) -> None:
        for raw_line in pipe:
            key, _, value = raw_line.decode(errors="replace").strip().partition("=")
            if not self.duration or key != "out_time_us":
                continue
            microseconds = _number(value, int)
            if microseconds is not None and microseconds >= 0:
                self.fraction = min(microseconds / 1_000_000 / self.duration, 1.0)


def compile_arguments(stream) -> list[str]:
    """ffmpeg's arguments (without the program name) for an ffmpeg-python graph."""
    return ffmpeg.compile(stream, cmd="ffmpeg", overwrite_output=False)[1:]


def untrusted_input(path: Path, *, allowed_formats: Iterable[str], max_pixels: int, **options):
    """An ffmpeg-python input node for an original: file protocol, allowed demuxers only."""
    return ffmpeg.input(
        f"file:{path}",
        protocol_whitelist="file",
        format_whitelist=",".join(allowed_formats),
        max_pixels=max_pixels,
        **options,
    )


def keyframe_schedule(first_segments: Iterable[float], segment_seconds: int) -> str:
    """An ffmpeg `force_key_frames` expression: a keyframe at 0 and at the end of each of
    the `first_segments`, then one every `segment_seconds`. The same schedule for every
    rung, so segments line up across rungs and a player can switch at any boundary."""
    lengths = list(first_segments)
    if not lengths:
        return f"expr:gte(t,n_forced*{segment_seconds})"
    # While the opening segments last, keyframe number n comes at the sum of the lengths
    # of the n segments before it: the sum of length[i] * (n > i).
    opening_times = "+".join(f"{length:g}*gt(n_forced,{number})" for number, length in enumerate(lengths))
    after = f"{sum(lengths):g}+(n_forced-{len(lengths)})*{segment_seconds}"
    return f"expr:gte(t,if(lt(n_forced,{len(lengths)}),{opening_times},{after}))"


def hls_ladder(
    source,
    output_dir: Path,
    rungs: Iterable[Rung],
    *,
    audio_only_name: str | None,
    audio_only_kbps: int,
    audio_only_channels: int = 2,
    has_audio: bool,
    segment_seconds: int,
    first_segments: tuple[float, ...] = (),
    preset: str,
    portrait: bool = False,
    source_fps: float | None = None,
) -> list[str]:
    """One ffmpeg process that decodes the source once, scales it to every rung, and writes
    an HLS ladder with a master playlist of the video rungs, plus an audio-only rung (when
    there is sound) as a second `hls` output of the same process, so that its segments are
    `segment_seconds` long from the start: ffmpeg 5.1 applies `hls_init_time` to every
    segment of an audio-only variant. `audio_only_playlist_entry` lists it in the master.

    Video segments are cut at keyframes only, and keyframes come only where
    `keyframe_schedule` puts them: short `first_segments` for a quick first frame on a
    slow link, then `segment_seconds`."""
    rungs = list(rungs)
    video = source.video.filter_multi_output("split", len(rungs)) if len(rungs) > 1 else None
    audio_outputs = len(rungs) + (1 if audio_only_name else 0)
    audio = source.audio.filter_multi_output("asplit", audio_outputs) if has_audio and audio_outputs > 1 else None
    streams, variants, options = [], [], {}
    for number, rung in enumerate(rungs):
        picture = video.stream(number) if video else source.video
        size = (rung.height, -2) if portrait else (-2, rung.height)
        if rung.max_fps and (source_fps is None or source_fps > rung.max_fps):
            picture = picture.filter("fps", rung.max_fps)
        streams.append(picture.filter("scale", *size).filter("format", "yuv420p"))
        options[f"b:v:{number}"] = f"{rung.video_kbps}k"
        options[f"maxrate:v:{number}"] = f"{int(rung.video_kbps * 1.2)}k"
        options[f"bufsize:v:{number}"] = f"{rung.video_kbps * 2}k"
        variant = f"v:{number}"
        if has_audio:
            streams.append(audio.stream(number) if audio else source.audio)
            options[f"b:a:{number}"] = f"{rung.audio_kbps}k"
            options[f"ac:a:{number}"] = rung.audio_channels
            variant += f",a:{number}"
        variants.append(f"{variant},name:{rung.name}")
    if first_segments:
        # Cut at every keyframe at least this long after the last cut: the schedule decides.
        options["hls_init_time"] = f"{min(first_segments):g}"
    # x264 would add keyframes of its own every 250 frames (4.2 s at 60 fps), and each would
    # cut a segment in that rung only.
    options["g"] = math.ceil(2 * segment_seconds * max(source_fps or 0, 60))
    outputs = []
    if rungs:
        outputs.append(
            ffmpeg.output(
                *streams,
                str(output_dir / "%v" / "index.m3u8"),
                format="hls",
                vcodec="libx264",
                preset=preset,
                **{
                    "profile:v": "main",
                    "sc_threshold": 0,
                    "force_key_frames": keyframe_schedule(first_segments, segment_seconds),
                },
                acodec="aac",
                hls_time=segment_seconds,
                hls_playlist_type="vod",
                hls_flags="independent_segments",
                hls_segment_filename=str(output_dir / "%v" / "segment_%05d.ts"),
                master_pl_name="master.m3u8",
                var_stream_map=" ".join(variants),
                **options,
            )
        )
    if has_audio and audio_only_name:
        outputs.append(
            ffmpeg.output(
                audio.stream(len(rungs)) if audio else source.audio,
                str(output_dir / audio_only_name / "index.m3u8"),
                format="hls",
                acodec="aac",
                audio_bitrate=f"{audio_only_kbps}k",
                ac=audio_only_channels,
                hls_time=segment_seconds,
                hls_playlist_type="vod",
                hls_flags="independent_segments",
                hls_segment_filename=str(output_dir / audio_only_name / "segment_%05d.ts"),
            )
        )
    return compile_arguments(ffmpeg.merge_outputs(*outputs))


def audio_only_playlist_entry(name: str, kbps: int) -> str:
    """The master playlist's lines for the audio-only rung written by `hls_ladder`: no
    RESOLUTION, an audio codec only. BANDWIDTH is the encoder's target until
    `renditions.advertise_measured_bandwidth` measures it."""
    return f'#EXT-X-STREAM-INF:BANDWIDTH={kbps * 1100},CODECS="mp4a.40.2"\n{name}/index.m3u8\n'


def remux(playlist_or_file: Path, output: Path, *, input_formats: str, faststart: bool = True) -> list[str]:
    """Copy streams from one of our own outputs into another container, never re-encoding."""
    options = {"c": "copy", "movflags": "+faststart"} if faststart else {"c": "copy"}
    node = ffmpeg.input(f"file:{playlist_or_file}", protocol_whitelist="file", format_whitelist=input_formats)
    return compile_arguments(node.output(str(output), **options))


def package_hls(media: Path, output_dir: Path, *, segment_seconds: int) -> list[str]:
    """Cut an encoded file into HLS segments by copying its streams."""
    node = ffmpeg.input(f"file:{media}", protocol_whitelist="file", format_whitelist="mov,mp4,m4a,3gp,3g2,mj2")
    output = node.output(
        str(output_dir / "index.m3u8"),
        c="copy",
        format="hls",
        hls_time=segment_seconds,
        hls_playlist_type="vod",
        hls_segment_filename=str(output_dir / "segment_%05d.ts"),
    )
    return compile_arguments(output)


def still_frame(source, output: Path, *, max_width: int, quality: int) -> list[str]:
    """One JPEG frame, no wider than `max_width`. The source node carries the seek (`ss`)."""
    scaled = source.video.filter("scale", f"min({max_width},iw)", -2)
    quality_scale = max(2, min(31, round(31 - quality * 0.29)))
    return compile_arguments(scaled.output(str(output), vframes=1, **{"q:v": quality_scale}))


def speech_audio(source, output: Path, *, kbps: int, channels: int, sample_rate: int, loudnorm: str) -> list[str]:
    """AAC suited to speech: loudness-normalised (EBU R128), mono, low bitrate, faststart."""
    audio = source.audio.filter("loudnorm", *[], **dict(part.split("=", 1) for part in loudnorm.split(":")))
    output = audio.output(
        str(output), acodec="aac", audio_bitrate=f"{kbps}k", ac=channels, ar=sample_rate, movflags="+faststart"
    )
    return compile_arguments(output)


def mono_pcm(media: Path, output: Path, *, sample_rate: int) -> list[str]:
    """Signed 16-bit mono samples, for drawing the waveform."""
    node = ffmpeg.input(f"file:{media}", protocol_whitelist="file", format_whitelist="mov,mp4,m4a,3gp,3g2,mj2")
    return compile_arguments(node.audio.output(str(output), format="s16le", acodec="pcm_s16le", ac=1, ar=sample_rate))
