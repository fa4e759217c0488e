"""Where an original becomes web renditions: the profiles are run through ffmpeg into a
local folder, and every output is checked before the job may publish it."""

import json
import math
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from django.conf import settings

from media_pipeline import transcoder
from media_pipeline.failures import MediaRejectedError
from media_pipeline.intake import ALLOWED_FORMATS, MP4_FAMILY
from media_pipeline.profiles import AudioProfile, VideoProfile, get_profiles

HLS_FORMATS = "hls,mpegts"
OUR_FORMATS = (*MP4_FAMILY, "hls", "mpegts")
HLS_MIME = "application/vnd.apple.mpegurl"


@dataclass(frozen=True)
class Output:
    role: str
    name: str
    path: Path
    mime_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


class Stage:
    """Maps one ffmpeg run's progress onto its share of the whole job."""

    def __init__(self, report: Callable[[float], None], start: float, end: float) -> None:
        self.report, self.start, self.end = report, start, end

    def __call__(self, fraction: float) -> None:
        self.report(self.start + (self.end - self.start) * fraction)


def run_timeout(duration: float) -> float:
    return settings.MEDIA_TIMEOUT_BASE_SECONDS + settings.MEDIA_TIMEOUT_PER_SECOND * duration


def make_renditions(
    original: Path,
    probe: transcoder.ProbeResult,
    media_type: str,
    output_dir: Path,
    report: Callable[[float], None],
) -> list[Output]:
    profiles = get_profiles()
    if media_type == "video":
        return _video(original, probe, profiles.video, output_dir, report)
    return _audio(original, probe, profiles.audio, output_dir, report)


def _source(original: Path, **options):
    return transcoder.untrusted_input(
        original, allowed_formats=ALLOWED_FORMATS, max_pixels=settings.MEDIA_MAX_PIXELS, **options
    )


def _run(arguments: list[str], duration: float, stage: Stage | None = None) -> None:
    try:
        transcoder.run(arguments, timeout=run_timeout(duration), duration=duration, on_progress=stage)
    except transcoder.TranscodeTimeoutError as error:
        raise MediaRejectedError("timed_out", seconds=round(run_timeout(duration))) from error
    except transcoder.TranscoderError as error:
        raise MediaRejectedError("transcode_failed") from error


def _video(
    original: Path, probe: transcoder.ProbeResult, profile: VideoProfile, output_dir: Path, report
) -> list[Output]:
    duration = probe.duration
    picture = probe.video_streams[0]
    has_audio = bool(probe.audio_streams)
    rungs = profile.rungs_for(picture.short_side)
    hls_dir = output_dir / "hls"
    for rung in rungs:
        (hls_dir / rung.name).mkdir(parents=True)
    if has_audio:
        (hls_dir / profile.audio_only_name).mkdir(parents=True)
    ladder = transcoder.hls_ladder(
        _source(original),
        hls_dir,
        rungs,
        audio_only_name=profile.audio_only_name,
        audio_only_kbps=profile.audio_only_kbps,
        audio_only_channels=profile.audio_only_channels,
        has_audio=has_audio,
        segment_seconds=profile.segment_seconds,
        first_segments=profile.first_segments_seconds,
        preset=profile.x264_preset,
        portrait=picture.displayed_portrait,
        source_fps=picture.frame_rate,
    )
    _run(ladder, duration, Stage(report, 0.0, 0.85))
    for rung in rungs:
        check_output(hls_dir / rung.name / "index.m3u8", "hls", duration, video=True, audio=has_audio)
    if has_audio:
        check_output(hls_dir / profile.audio_only_name / "index.m3u8", "hls", duration, video=False, audio=True)
        with (hls_dir / "master.m3u8").open("a", encoding="utf-8") as master:
            master.write(transcoder.audio_only_playlist_entry(profile.audio_only_name, profile.audio_only_kbps))
    advertise_measured_bandwidth(hls_dir / "master.m3u8")

    mp4_rung = profile.mp4_rung(rungs)
    mp4 = output_dir / "video.mp4"
    _run(transcoder.remux(hls_dir / mp4_rung.name / "index.m3u8", mp4, input_formats=HLS_FORMATS), duration)
    mp4_probe = check_output(mp4, "mp4", duration, video=True, audio=has_audio)
    report(0.9)

    poster = output_dir / "poster.jpg"
    seek = transcoder.untrusted_input(
        original, allowed_formats=ALLOWED_FORMATS, max_pixels=settings.MEDIA_MAX_PIXELS, ss=f"{duration / 2:.3f}"
    )
    _run(transcoder.still_frame(seek, poster, max_width=profile.poster_max_width, quality=profile.poster_quality), 10)
    poster_size = _image_size(poster)
    outputs = [
        Output("hls", "master", hls_dir / "master.m3u8", HLS_MIME, duration=duration),
        Output("mp4", mp4_rung.name, mp4, "video/mp4", *_picture_size(mp4_probe), duration=duration),
        Output("poster", "", poster, "image/jpeg", *poster_size),
    ]
    for thumbnail in profile.thumbnails:
        path = output_dir / f"thumbnail-{thumbnail.name}.jpg"
        size = _thumbnail(poster, path, thumbnail.width)
        outputs.append(Output("thumbnail", thumbnail.name, path, "image/jpeg", *size))
    report(1.0)
    return outputs


def _audio(
    original: Path, probe: transcoder.ProbeResult, profile: AudioProfile, output_dir: Path, report
) -> list[Output]:
    duration = probe.duration
    speech = output_dir / "speech.m4a"
    arguments = transcoder.speech_audio(
        _source(original),
        speech,
        kbps=profile.audio_kbps,
        channels=profile.channels,
        sample_rate=profile.sample_rate,
        loudnorm=profile.loudnorm,
    )
    _run(arguments, duration, Stage(report, 0.0, 0.7))
    check_output(speech, "speech", duration, video=False, audio=True)
    hls_dir = output_dir / "hls"
    hls_dir.mkdir()
    _run(transcoder.package_hls(speech, hls_dir, segment_seconds=profile.segment_seconds), duration)
    check_output(hls_dir / "index.m3u8", "hls", duration, video=False, audio=True)
    report(0.85)
    waveform = output_dir / "waveform.json"
    pcm = output_dir.parent / "waveform.pcm"
    _run(transcoder.mono_pcm(speech, pcm, sample_rate=profile.waveform_sample_rate), duration)
    waveform.write_text(json.dumps(waveform_peaks(pcm, profile.waveform_peaks, duration)), encoding="utf-8")
    pcm.unlink()
    report(1.0)
    return [
        Output("hls", "master", hls_dir / "index.m3u8", HLS_MIME, duration=duration),
        Output("speech", "", speech, "audio/mp4", duration=duration),
        Output("waveform", "", waveform, "application/json", duration=duration),
    ]


def advertise_measured_bandwidth(master: Path) -> None:
    """Rewrite each variant's BANDWIDTH in the master playlist as its peak segment bit rate
    on the wire, and add AVERAGE-BANDWIDTH (RFC 8216 4.3.4.2). ffmpeg writes the encoder's
    target plus 10%, which at low rates is under the MPEG-TS overhead: a player that
    believes it picks a rung its link cannot carry."""
    lines = master.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if not line.startswith("#EXT-X-STREAM-INF:") or number + 1 >= len(lines):
            continue
        rates = _segment_rates(master.parent / lines[number + 1].strip())
        if not rates:
            continue
        peak, average = rates
        attributes = re.sub(r",?AVERAGE-BANDWIDTH=\d+", "", line)
        attributes = re.sub(r"BANDWIDTH=\d+", f"BANDWIDTH={peak},AVERAGE-BANDWIDTH={average}", attributes, count=1)
        lines[number] = attributes
    master.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _segment_rates(playlist: Path) -> tuple[int, int] | None:
    """(peak, average) bits per second of a media playlist's segments. The peak is the
    highest rate of any run of consecutive segments lasting 0.5 to 1.5 times the target
    duration (the peak segment bit rate of RFC 8216bis): a 1 s opening segment, mostly
    keyframe, or a short tail, mostly headers, would overstate what the rung needs."""
    if not playlist.is_file():
        return None
    segments, duration, target = [], None, None
    for line in playlist.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.partition(":")[2])
        elif line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#") and duration:
            segments.append((duration, (playlist.parent / line).stat().st_size * 8))
            duration = None
    if not segments:
        return None
    target = target or max(seconds for seconds, _ in segments)
    total_seconds = sum(seconds for seconds, _ in segments)
    average = sum(bits for _, bits in segments) / total_seconds
    peak = 0.0
    for start in range(len(segments)):
        seconds = bits = 0.0
        for length, size in segments[start:]:
            seconds, bits = seconds + length, bits + size
            if seconds > 1.5 * target:
                break
            if seconds >= 0.5 * target:
                peak = max(peak, bits / seconds)
    # A clip shorter than half the target duration has no such run: its whole length counts.
    return math.ceil(peak or average), math.ceil(average)


def duration_tolerance(expected: float) -> float:
    """1% of the source, but never under a tenth of a second: encoders pad the last audio
    frame, which alone is more than 1% of a clip of a few seconds."""
    return max(expected * 0.01, 0.1)


def check_output(path: Path, rendition: str, expected: float, *, video: bool, audio: bool) -> transcoder.ProbeResult:
    """Probe a finished output: it must have the expected streams and last as long as the
    source. ffmpeg can exit 0 and still leave a short file (a truncated original)."""
    if not path.exists() or path.stat().st_size == 0:
        raise MediaRejectedError("missing_streams", rendition=rendition, kind="video" if video else "audio")
    try:
        result = transcoder.probe(path, timeout=settings.MEDIA_PROBE_TIMEOUT_SECONDS, allowed_formats=OUR_FORMATS)
    except transcoder.TranscoderError as error:
        raise MediaRejectedError("transcode_failed") from error
    if video and not result.video_streams:
        raise MediaRejectedError("missing_streams", rendition=rendition, kind="video")
    if audio and not result.audio_streams:
        raise MediaRejectedError("missing_streams", rendition=rendition, kind="audio")
    actual = result.duration or 0.0
    if abs(actual - expected) > duration_tolerance(expected):
        raise MediaRejectedError(
            "incomplete_output", rendition=rendition, actual=f"{actual:.1f}", expected=f"{expected:.1f}"
        )
    return result


def _picture_size(result: transcoder.ProbeResult) -> tuple[int | None, int | None]:
    stream = result.video_streams[0]
    return stream.width, stream.height


def _image_size(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as image:
            return image.size
    except OSError as error:
        raise MediaRejectedError("missing_streams", rendition="poster", kind="video") from error


def _thumbnail(poster: Path, path: Path, width: int) -> tuple[int, int]:
    with Image.open(poster) as image:
        height = max(1, round(image.height * width / image.width))
        image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS).save(path, "JPEG", quality=78)
    return width, height


def waveform_peaks(pcm: Path, count: int, duration: float) -> dict:
    """The loudest sample of each of `count` equal slices, from 0 to 1."""
    samples = array("h")
    samples.frombytes(pcm.read_bytes()[: pcm.stat().st_size // 2 * 2])
    if not samples:
        return {"duration": duration, "peaks": []}
    slice_length = max(1, math.ceil(len(samples) / count))
    peaks = [
        round(max(abs(value) for value in samples[start : start + slice_length]) / 32768, 3)
        for start in range(0, len(samples), slice_length)
    ]
    return {"duration": round(duration, 3), "peaks": peaks}
