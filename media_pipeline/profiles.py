"""The renditions made for every upload, read from `profiles.json` (or the file named by
the MEDIA_PROFILES_FILE setting), so a ladder is changed by editing data, not code."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

DEFAULT_PROFILES_FILE = Path(__file__).with_name("profiles.json")
# Chromium's own HLS reads the first segment twice, the second time from its cache when
# the first read took all of it, and takes that read's speed for the link's: a 1 s
# first segment (16 KB at 144p) sent it to 720p on a 400 kbit/s link. 3 s (about 50 KB)
# is more than that first read takes (docs/media-pipeline.md).
MIN_FIRST_SEGMENT_SECONDS = 3


@dataclass(frozen=True)
class Rung:
    name: str
    height: int
    video_kbps: int
    audio_kbps: int
    audio_channels: int = 2
    # Low rungs drop frames rather than sharpness: at 15 fps each frame gets twice the bits.
    max_fps: float | None = None


@dataclass(frozen=True)
class Thumbnail:
    name: str
    width: int


@dataclass(frozen=True)
class VideoProfile:
    segment_seconds: int
    # Shorter segments first, so the first frame comes after one small download on a slow
    # link; then `segment_seconds`, whose fewer requests cost less in round trips.
    first_segments_seconds: tuple[float, ...]
    rungs: tuple[Rung, ...]
    audio_only_name: str
    audio_only_kbps: int
    audio_only_channels: int
    x264_preset: str
    mp4_from_rung: str
    poster_max_width: int
    poster_quality: int
    thumbnails: tuple[Thumbnail, ...]

    def rungs_for(self, source_height: int) -> tuple[Rung, ...]:
        """The rungs no taller than the source; a source below the lowest rung gets one
        rung at its own height."""
        fitting = tuple(rung for rung in self.rungs if rung.height <= source_height)
        if fitting:
            return fitting
        lowest = self.rungs[0]
        return (
            Rung(
                f"{source_height}p",
                source_height - source_height % 2,
                lowest.video_kbps,
                lowest.audio_kbps,
                lowest.audio_channels,
                lowest.max_fps,
            ),
        )

    def mp4_rung(self, rungs: tuple[Rung, ...]) -> Rung:
        """The rung remuxed into the progressive MP4: the named one, or the tallest below it."""
        wanted = next((rung for rung in self.rungs if rung.name == self.mp4_from_rung), self.rungs[0])
        below = [rung for rung in rungs if rung.height <= wanted.height]
        return below[-1] if below else rungs[0]


@dataclass(frozen=True)
class AudioProfile:
    audio_kbps: int
    channels: int
    sample_rate: int
    loudnorm: str
    segment_seconds: int
    waveform_peaks: int
    waveform_sample_rate: int


@dataclass(frozen=True)
class Profiles:
    video: VideoProfile
    audio: AudioProfile


def parse_profiles(data: dict) -> Profiles:
    video, audio = data["video"], data["audio"]
    hls = video["hls"]
    rungs = tuple(sorted((Rung(**rung) for rung in hls["rungs"]), key=lambda rung: rung.height))
    segment_seconds = int(hls["segment_seconds"])
    if not 4 <= segment_seconds <= 6 or not 4 <= int(audio["hls"]["segment_seconds"]) <= 6:
        raise ValueError("HLS segments must last 4 to 6 seconds.")
    first_segments = tuple(float(seconds) for seconds in hls.get("first_segments_seconds", ()))
    if not all(MIN_FIRST_SEGMENT_SECONDS <= seconds <= segment_seconds for seconds in first_segments):
        raise ValueError(
            f"The first HLS segments must last {MIN_FIRST_SEGMENT_SECONDS} s or more, and no more than the others."
        )
    if sum(first_segments) > 2 * segment_seconds:
        raise ValueError("The short first HLS segments may cover at most two segments' time.")
    if not rungs:
        raise ValueError("The video ladder needs at least one rung.")
    return Profiles(
        video=VideoProfile(
            segment_seconds=segment_seconds,
            first_segments_seconds=first_segments,
            rungs=rungs,
            audio_only_name=hls["audio_only"]["name"],
            audio_only_kbps=int(hls["audio_only"]["audio_kbps"]),
            audio_only_channels=int(hls["audio_only"].get("channels", 2)),
            x264_preset=hls.get("x264_preset", "veryfast"),
            mp4_from_rung=video["mp4_fallback"]["from_rung"],
            poster_max_width=int(video["poster"]["max_width"]),
            poster_quality=int(video["poster"]["quality"]),
            thumbnails=tuple(Thumbnail(**thumbnail) for thumbnail in video["thumbnails"]),
        ),
        audio=AudioProfile(
            audio_kbps=int(audio["speech_aac"]["audio_kbps"]),
            channels=int(audio["speech_aac"]["channels"]),
            sample_rate=int(audio["speech_aac"]["sample_rate"]),
            loudnorm=audio["speech_aac"]["loudnorm"],
            segment_seconds=int(audio["hls"]["segment_seconds"]),
            waveform_peaks=int(audio["waveform"]["peaks"]),
            waveform_sample_rate=int(audio["waveform"]["sample_rate"]),
        ),
    )


@cache
def _load(path: str) -> Profiles:
    return parse_profiles(json.loads(Path(path).read_text(encoding="utf-8")))


def get_profiles() -> Profiles:
    return _load(str(getattr(settings, "MEDIA_PROFILES_FILE", "") or DEFAULT_PROFILES_FILE))
