"""Media pipeline: what our ffmpeg wrapper costs, what decoding the source once saves, and how
fast and how big the whole video job is.

Run with `make bench-media` (no database needed). On a generated 60-second 1280x720 25 fps
H.264/AAC clip, in one run, interleaved round by round:

(a) ours: the HLS ladder (3 rungs and the audio-only rung, one decode) built and run exactly
    as `renditions._video` does, through `transcoder.run` with its progress reading;
(b) by hand: the same argument list run with `subprocess.run`, no progress reading;
(c) one ffmpeg run per rendition, as AtoM, Islandora and CollectiveAccess do: each rung its
    own HLS run (built by `hls_ladder` with that rung alone, so the codec settings are ours),
    the audio-only rung, and the MP4 as one more encode (ours copies it from the 360p rung);
(d) decoding the source alone, to show what a second decode costs.

Then the whole video job (`make_renditions` after `inspect_original`, no storage upload) runs
in a fresh Python process, whose memory is measured on its own. Each timed run first waits for
other processes to leave the machine idle, and what they take meanwhile is reported. Prints
Markdown tables and rewrites the "Media pipeline" section of docs/benchmarks.md."""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402

from bench.report import bullet, cpu_model, findings_block, paragraph, publish  # noqa: E402
from media_pipeline import intake, renditions, transcoder  # noqa: E402
from media_pipeline.profiles import Rung, VideoProfile, get_profiles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLIP_SECONDS = 60
CLIP_NAME = "clip.mp4"
ROUNDS = 5
CORES = 2
OVERHEAD_TARGET_PERCENT = 5.0
SPEEDUP_TARGET = 1.5
BUSY_LIMIT_PERCENT = 2.0
QUIET_CORES = 0.1
QUIET_WINDOW_SECONDS = 2.0
QUIET_WAIT_SECONDS = 300
QUIET_WAIT = True
CLIP_TIMEOUT_SECONDS = 600
POLL_SECONDS = 0.02
SECTION_TITLE = "## Media pipeline"
TEMPORARY_PREFIX = "bench-media-"


# --- the clip ---------------------------------------------------------------------------------


# What each clip is: ffmpeg's video arguments, the frame size and rate, and how the docs
# name it. The phone clips are what officers upload: 1080p at 30 fps, H.264 or HEVC.
CLIPS = {
    "landscape-720p": ("1280x720", 25, "-c:v libx264 -preset veryfast -crf 20", "H.264 (x264 veryfast crf 20)"),
    "phone-h264": ("1920x1080", 30, "-c:v libx264 -preset veryfast -crf 20 -profile:v high", "phone-like H.264"),
    "phone-hevc": ("1920x1080", 30, "-c:v libx265 -preset ultrafast -crf 24 -tag:v hvc1", "phone-like HEVC"),
}


def make_clip(path: Path, seconds: int = CLIP_SECONDS, kind: str = "landscape-720p") -> None:
    """A clip with stereo AAC: a moving test pattern, and two tones with a little noise so
    the audio encoder has work to do. `kind` is one of CLIPS."""
    size, rate, video, _ = CLIPS[kind]
    audio = (
        "aevalsrc='0.3*sin(2*PI*440*t)+0.05*(random(0)*2-1)|0.3*sin(2*PI*554*t)+0.05*(random(1)*2-1)'"
        f":s=48000:d={seconds}"
    )
    command = [
        *"ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i".split(),
        f"testsrc2=size={size}:rate={rate}:duration={seconds}",
        *"-f lavfi -i".split(),
        audio,
        *video.split(),
        *"-pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 -shortest".split(),
        *"-movflags +faststart".split(),
        str(path),
    ]
    subprocess.run(command, check=True, timeout=CLIP_TIMEOUT_SECONDS, capture_output=True)


def ffmpeg_version() -> str:
    first_line = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, timeout=30, check=True)
    match = re.match(r"ffmpeg version (\S+)", first_line.stdout)
    return match.group(1) if match else "unknown"


# --- the commands compared --------------------------------------------------------------------


def ladder_rungs(probe: transcoder.ProbeResult) -> tuple[Rung, ...]:
    return get_profiles().video.rungs_for(probe.video_streams[0].short_side)


def make_variant_folders(hls_dir: Path, names: list[str]) -> None:
    for name in names:
        (hls_dir / name).mkdir(parents=True)


def ladder_arguments(
    original: Path, probe: transcoder.ProbeResult, hls_dir: Path, rungs: tuple[Rung, ...] | None = None
) -> list[str]:
    """The ladder command, built the way `renditions._video` builds it (keep the two alike).
    With `rungs` given, only those rungs and no audio-only rung: one rendition per run."""
    profile = get_profiles().video
    picture = probe.video_streams[0]
    separate = rungs is not None
    return transcoder.hls_ladder(
        renditions._source(original),
        hls_dir,
        ladder_rungs(probe) if rungs is None else rungs,
        audio_only_name=None if separate else profile.audio_only_name,
        audio_only_kbps=profile.audio_only_kbps,
        audio_only_channels=profile.audio_only_channels,
        has_audio=bool(probe.audio_streams),
        segment_seconds=profile.segment_seconds,
        first_segments=profile.first_segments_seconds,
        preset=profile.x264_preset,
        portrait=picture.displayed_portrait,
        source_fps=picture.frame_rate,
    )


def audio_only_arguments(original: Path, probe: transcoder.ProbeResult, hls_dir: Path) -> list[str]:
    """The audio-only rung alone: `hls_ladder` with no video rungs."""
    profile = get_profiles().video
    return transcoder.hls_ladder(
        renditions._source(original),
        hls_dir,
        (),
        audio_only_name=profile.audio_only_name,
        audio_only_kbps=profile.audio_only_kbps,
        audio_only_channels=profile.audio_only_channels,
        has_audio=True,
        segment_seconds=profile.segment_seconds,
        preset=profile.x264_preset,
    )


def mp4_encode_arguments(original: Path, rung: Rung, profile: VideoProfile, output: Path) -> list[str]:
    """The progressive MP4 as its own encode, with the settings of the rung ours copies it from."""
    return [
        *("-format_whitelist", ",".join(intake.ALLOWED_FORMATS), "-max_pixels", str(settings.MEDIA_MAX_PIXELS)),
        *("-protocol_whitelist", "file", "-i", f"file:{original}"),
        *("-vf", f"scale=-2:{rung.height},format=yuv420p"),
        *("-c:v", "libx264", "-preset", profile.x264_preset, "-profile:v", "main", "-sc_threshold", "0"),
        *("-force_key_frames", transcoder.keyframe_schedule(profile.first_segments_seconds, profile.segment_seconds)),
        *("-b:v", f"{rung.video_kbps}k", "-maxrate", f"{int(rung.video_kbps * 1.2)}k"),
        *("-bufsize", f"{rung.video_kbps * 2}k"),
        *("-c:a", "aac", "-b:a", f"{rung.audio_kbps}k", "-ac", "2", "-movflags", "+faststart", str(output)),
    ]


def run_ours(arguments: list[str], duration: float, progress: Callable[[float], None] | None = None) -> None:
    """Through our wrapper, as the job does: timeout, progress read from ffmpeg's pipe."""
    stage = renditions.Stage(progress or (lambda fraction: None), 0.0, 0.85)
    transcoder.run(arguments, timeout=renditions.run_timeout(duration), duration=duration, on_progress=stage)


def build_and_run_ladder(
    original: Path, probe: transcoder.ProbeResult, hls_dir: Path, progress: Callable[[float], None]
) -> None:
    """(a): building the command is part of what ours costs, so it is inside the timing."""
    run_ours(ladder_arguments(original, probe, hls_dir), probe.duration or CLIP_SECONDS, progress)


def run_by_hand(arguments: list[str], timeout: float) -> None:
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments]
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg by hand exited {result.returncode}: {result.stderr.decode(errors='replace')}")


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Sample:
    """One timed run: wall seconds, CPU seconds of the ffmpeg children, CPU seconds other
    processes on the machine used meanwhile, bytes written."""

    wall: float
    cpu: float
    others: float = 0.0
    output_bytes: int = 0


@dataclass
class Series:
    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(sample.wall for sample in self.samples)

    @property
    def minimum(self) -> float:
        return min(sample.wall for sample in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(sample.cpu for sample in self.samples)

    @property
    def others(self) -> float:
        return statistics.median(sample.others for sample in self.samples)

    @property
    def megabytes(self) -> float:
        return statistics.median(sample.output_bytes for sample in self.samples) / 1e6


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy_cpu() -> float:
    """CPU seconds all processes have used since boot (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(limit: float) -> None:
    """Wait (at most `limit` seconds) until other processes leave the machine idle for two
    windows in a row, so a run does not start in the middle of someone else's work."""
    if limit <= 0:
        return
    deadline, quiet = time.monotonic() + limit, 0
    while quiet < 2 and time.monotonic() < deadline:
        busy_before, own_before = machine_busy_cpu(), own_cpu()
        time.sleep(QUIET_WINDOW_SECONDS)
        others = machine_busy_cpu() - busy_before - (own_cpu() - own_before)
        quiet = quiet + 1 if others / QUIET_WINDOW_SECONDS < QUIET_CORES else 0
    if quiet < 2:
        print(f"the machine was still busy after {limit} s; measuring anyway", file=sys.stderr, flush=True)


def timed(label: str, action: Callable[..., None], *arguments: object) -> Sample:
    """Runs `action` once the machine is quiet; the CPU time of the machine not spent by this
    process or its children is what other processes took meanwhile (a busy machine makes
    every timing here unreliable)."""
    wait_for_quiet(QUIET_WAIT_SECONDS if QUIET_WAIT else 0)
    children_before, own_before, busy_before = children_cpu(), own_cpu(), machine_busy_cpu()
    started = time.perf_counter()
    action(*arguments)
    wall = time.perf_counter() - started
    children, own = children_cpu() - children_before, own_cpu() - own_before
    others = max(0.0, machine_busy_cpu() - busy_before - children - own)
    print(f"  {label}: {wall:.1f} s, {children:.1f} CPU s, others {others:.1f} CPU s", file=sys.stderr, flush=True)
    return Sample(wall, children, others)


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def check_ladder(hls_dir: Path, names: list[str]) -> None:
    for name in names:
        playlist = hls_dir / name / "index.m3u8"
        if not playlist.exists() or "#EXT-X-ENDLIST" not in playlist.read_text(encoding="utf-8"):
            raise RuntimeError(f"{playlist} is missing or unfinished")


def combine(label: str, *parts: Series) -> Series:
    """Round by round sums, e.g. the separate runs of one round."""
    samples = [
        Sample(
            wall=sum(part.samples[index].wall for part in parts),
            cpu=sum(part.samples[index].cpu for part in parts),
            others=sum(part.samples[index].others for part in parts),
            output_bytes=sum(part.samples[index].output_bytes for part in parts),
        )
        for index in range(len(parts[0].samples))
    ]
    return Series(label, samples)


@dataclass
class Comparison:
    ours: Series
    remux: Series
    by_hand: Series
    separate: dict[str, Series]
    mp4_encode: Series
    decode: Series
    progress_updates: int
    mp4_rung: str

    @property
    def separate_ladder(self) -> Series:
        return combine("(c) one run per rendition: ladder", *self.separate.values())

    @property
    def separate_with_mp4(self) -> Series:
        return combine("(c) one run per rendition: ladder + MP4 encode", *self.separate.values(), self.mp4_encode)

    @property
    def ours_with_mp4(self) -> Series:
        return combine("(a) ours: ladder + MP4 remux", self.ours, self.remux)


def compare(clip: Path, probe: transcoder.ProbeResult, work: Path, rounds: int) -> Comparison:
    duration = probe.duration or CLIP_SECONDS
    timeout = renditions.run_timeout(duration)
    profile = get_profiles().video
    rungs = ladder_rungs(probe)
    names = [rung.name for rung in rungs] + [profile.audio_only_name]
    mp4_rung = profile.mp4_rung(rungs)
    result = Comparison(
        ours=Series("(a) ours: ladder via transcoder.run"),
        remux=Series("(a) ours: MP4 remux of the 360p rung (stream copy)"),
        by_hand=Series("(b) same arguments by hand"),
        separate={name: Series(f"(c) {name} alone") for name in names},
        mp4_encode=Series(f"(c) MP4 ({mp4_rung.name}) as its own encode"),
        decode=Series("(d) decoding the source alone"),
        progress_updates=0,
        mp4_rung=mp4_rung.name,
    )
    updates = []

    for number in range(1, rounds + 1):
        print(f"round {number}/{rounds}", file=sys.stderr, flush=True)

        hls_dir = work / "ours" / "hls"
        make_variant_folders(hls_dir, names)
        sample = timed("(a) ladder", build_and_run_ladder, clip, probe, hls_dir, updates.append)
        check_ladder(hls_dir, names)
        sample.output_bytes = folder_bytes(hls_dir)
        result.ours.samples.append(sample)
        mp4 = work / "ours" / "video.mp4"
        remux = transcoder.remux(hls_dir / mp4_rung.name / "index.m3u8", mp4, input_formats=renditions.HLS_FORMATS)
        sample = timed("(a) MP4 remux", run_ours, remux, duration)
        sample.output_bytes = mp4.stat().st_size
        result.remux.samples.append(sample)
        shutil.rmtree(work / "ours")

        hls_dir = work / "by-hand" / "hls"
        make_variant_folders(hls_dir, names)
        arguments = ladder_arguments(clip, probe, hls_dir)
        sample = timed("(b) ladder", run_by_hand, arguments, timeout)
        check_ladder(hls_dir, names)
        sample.output_bytes = folder_bytes(hls_dir)
        result.by_hand.samples.append(sample)
        shutil.rmtree(work / "by-hand")

        hls_dir = work / "separate" / "hls"
        make_variant_folders(hls_dir, names)
        for rung in rungs:
            arguments = ladder_arguments(clip, probe, hls_dir, rungs=(rung,))
            sample = timed(f"(c) {rung.name}", run_ours, arguments, duration)
            sample.output_bytes = folder_bytes(hls_dir / rung.name)
            result.separate[rung.name].samples.append(sample)
        arguments = audio_only_arguments(clip, probe, hls_dir)
        sample = timed(f"(c) {profile.audio_only_name}", run_ours, arguments, duration)
        sample.output_bytes = folder_bytes(hls_dir / profile.audio_only_name)
        result.separate[profile.audio_only_name].samples.append(sample)
        check_ladder(hls_dir, names)
        mp4 = work / "separate" / "video.mp4"
        arguments = mp4_encode_arguments(clip, mp4_rung, profile, mp4)
        sample = timed("(c) MP4 encode", run_ours, arguments, duration)
        sample.output_bytes = mp4.stat().st_size
        result.mp4_encode.samples.append(sample)
        shutil.rmtree(work / "separate")

        decode = ["-protocol_whitelist", "file", "-i", f"file:{clip}", "-map", "0:v", "-f", "null", "-"]
        result.decode.samples.append(timed("(d) decode", run_by_hand, decode, timeout))

    result.progress_updates = len(updates) // rounds
    return result


# --- the whole job, in a process of its own ---------------------------------------------------


class MemoryWatch:
    """Polls /proc for the resident memory of this process plus its child processes (ffmpeg,
    ffprobe) taken together, and keeps the largest total seen."""

    def __init__(self, interval: float = POLL_SECONDS) -> None:
        self.interval, self.peak, self.peak_python = interval, 0, 0
        self.page = os.sysconf("SC_PAGE_SIZE")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _resident(self, pid: int | str) -> int:
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
        except (OSError, IndexError, ValueError):
            return 0

    def _children(self, pid: int | str) -> list[str]:
        found = []
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                found += children.read_text().split()
            except OSError:
                continue
        return found

    def _poll(self) -> None:
        while not self._stop.is_set():
            own = self._resident("self")
            pending, total = self._children("self"), own
            while pending:
                pid = pending.pop()
                total += self._resident(pid)
                pending += self._children(pid)
            self.peak, self.peak_python = max(self.peak, total), max(self.peak_python, own)
            self._stop.wait(self.interval)


def whole_job(clip: Path, output_dir: Path) -> dict:
    """`inspect_original` then `make_renditions`, as `jobs.process` runs them between fetching
    the original and uploading the renditions. Every ffmpeg/ffprobe run is timed by kind."""
    spent: dict[str, float] = {}
    real_run, real_probe = transcoder.run, transcoder.probe

    def kind(arguments: list[str]) -> str:
        if "-var_stream_map" in arguments:
            return "ladder"
        if "-vframes" in arguments:
            return "poster"
        if "copy" in arguments:
            return "MP4 remux"
        return "other ffmpeg"

    def timed_run(arguments: list[str], **options) -> None:
        started = time.perf_counter()
        try:
            real_run(arguments, **options)
        finally:
            spent[kind(arguments)] = spent.get(kind(arguments), 0.0) + time.perf_counter() - started

    def timed_probe(path: Path, **options) -> transcoder.ProbeResult:
        started = time.perf_counter()
        try:
            return real_probe(path, **options)
        finally:
            spent["ffprobe"] = spent.get("ffprobe", 0.0) + time.perf_counter() - started

    transcoder.run, transcoder.probe = timed_run, timed_probe
    with MemoryWatch() as memory:
        started = time.perf_counter()
        probe = intake.inspect_original(clip, clip.name, intake.Limits.from_settings())
        inspected = time.perf_counter()
        outputs = renditions.make_renditions(clip, probe, "video", output_dir, lambda fraction: None)
        finished = time.perf_counter()
    transcoder.run, transcoder.probe = real_run, real_probe
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "duration": probe.duration,
        "inspect_seconds": inspected - started,
        "renditions_seconds": finished - inspected,
        "stages": spent,
        "outputs": len(outputs),
        "output_bytes": folder_bytes(output_dir),
        "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "maxrss_self_kb": own.ru_maxrss,
        "maxrss_children_kb": children.ru_maxrss,
        "polled_peak_bytes": memory.peak,
        "polled_python_bytes": memory.peak_python,
    }


def run_whole_job(clip: Path, output_dir: Path, timeout: float, into: dict) -> None:
    """The whole job in a fresh Python process; its measurements go into `into`."""
    command = [sys.executable, str(Path(__file__).resolve()), "--job", str(clip), str(output_dir)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the whole job failed:\n{result.stderr}")
    into.update(json.loads(result.stdout.strip().splitlines()[-1]))


# --- reporting --------------------------------------------------------------------------------


@dataclass
class Report:
    day: str
    cores: int
    cpu_model: str
    ffmpeg: str
    clip: transcoder.ProbeResult
    clip_kind: str
    clip_bytes: int
    rounds: int
    comparison: Comparison
    jobs: list[dict]
    total_minutes: float

    @property
    def overhead_percent(self) -> float:
        return (self.comparison.ours.median / self.comparison.by_hand.median - 1) * 100

    @property
    def overhead_percent_min(self) -> float:
        return (self.comparison.ours.minimum / self.comparison.by_hand.minimum - 1) * 100

    @property
    def speedup_ladder(self) -> float:
        return self.comparison.separate_ladder.median / self.comparison.ours.median

    @property
    def speedup_with_mp4(self) -> float:
        return self.comparison.separate_with_mp4.median / self.comparison.ours_with_mp4.median

    @property
    def timed_series(self) -> list[Series]:
        """Every measured series, the whole jobs included, as run (sums excluded)."""
        comparison = self.comparison
        jobs = Series(
            "whole job",
            [Sample(job["wall_seconds"], job["cpu_seconds"], job["others_cpu_seconds"]) for job in self.jobs],
        )
        return [
            comparison.ours,
            comparison.remux,
            comparison.by_hand,
            *comparison.separate.values(),
            comparison.mp4_encode,
            comparison.decode,
            jobs,
        ]

    @property
    def others_percent(self) -> float:
        """The share of the machine other processes took while runs were timed."""
        samples = [sample for series in self.timed_series for sample in series.samples]
        others, wall = sum(sample.others for sample in samples), sum(sample.wall for sample in samples)
        return others / (wall * self.cores) * 100

    def disturbed(self, sample: Sample) -> bool:
        return sample.others > sample.wall * self.cores * BUSY_LIMIT_PERCENT / 100

    def idle_note(self) -> str:
        """How far other processes disturbed the timings, and whether the medians stand."""
        series = self.timed_series
        count = sum(len(part.samples) for part in series)
        disturbed = [sum(map(self.disturbed, part.samples)) for part in series]
        note = (
            f"other processes took {self.others_percent:.1f} % of the machine while runs were timed, and more "
            f"than {BUSY_LIMIT_PERCENT:.0f} % during {sum(disturbed)} of the {count} runs"
        )
        if not any(disturbed):
            return note + "."
        if all(number * 2 < len(part.samples) for number, part in zip(disturbed, series, strict=True)):
            return note + ", never in most runs of one kind, so every median is an undisturbed run's or between two."
        return note + ": **the machine was not idle, so these timings are not reliable**."

    @property
    def job_seconds(self) -> list[float]:
        return [job["renditions_seconds"] for job in self.jobs]


def seconds(value: float) -> str:
    return f"{value:.1f}"


def megabytes(value: float) -> str:
    return f"{value / 1e6:.0f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"


def verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def runs_table(report: Report) -> list[str]:
    comparison = report.comparison
    totals = [comparison.separate_ladder, comparison.ours_with_mp4, comparison.separate_with_mp4]
    rows = [
        (comparison.ours, False),
        (comparison.by_hand, False),
        *((series, False) for series in comparison.separate.values()),
        (totals[0], True),
        (comparison.remux, False),
        (totals[1], True),
        (comparison.mp4_encode, False),
        (totals[2], True),
        (comparison.decode, False),
    ]
    lines = [
        "| run | median s | min s | CPU s (median) | other processes' CPU s (median) | output MB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for series, total in rows:
        label = f"**{series.label}**" if total else series.label
        output = f"{series.megabytes:.1f}" if series.megabytes else "–"
        lines.append(
            f"| {label} | {seconds(series.median)} | {seconds(series.minimum)} | {seconds(series.cpu)} "
            f"| {seconds(series.others)} | {output} |"
        )
    return lines


def targets_table(report: Report) -> list[str]:
    comparison = report.comparison
    job_median = statistics.median(report.job_seconds)
    job_cpu = statistics.median(job["cpu_seconds"] for job in report.jobs)
    duration = report.clip.duration or CLIP_SECONDS
    peak = max(job["polled_peak_bytes"] for job in report.jobs)
    python = max(job["maxrss_self_kb"] for job in report.jobs) * 1024
    child = max(job["maxrss_children_kb"] for job in report.jobs) * 1024
    return [
        "| measure | result | target | met |",
        "| --- | --- | --- | --- |",
        f"| (a) ours vs (b) by hand, ladder | {report.overhead_percent:+.1f} % on medians "
        f"({seconds(comparison.ours.median)} s vs {seconds(comparison.by_hand.median)} s; "
        f"{report.overhead_percent_min:+.1f} % on minimums) | at most +{OVERHEAD_TARGET_PERCENT:.0f} % "
        f"| {verdict(report.overhead_percent <= OVERHEAD_TARGET_PERCENT)} |",
        f"| single decode vs one run per rendition, ladder only | {report.speedup_ladder:.2f}× "
        f"({seconds(comparison.separate_ladder.median)} s vs {seconds(comparison.ours.median)} s) "
        f"| at least {SPEEDUP_TARGET}× | {verdict(report.speedup_ladder >= SPEEDUP_TARGET)} |",
        f"| single decode vs one run per rendition, ladder + MP4 | {report.speedup_with_mp4:.2f}× "
        f"({seconds(comparison.separate_with_mp4.median)} s vs {seconds(comparison.ours_with_mp4.median)} s) "
        f"| at least {SPEEDUP_TARGET}× | {verdict(report.speedup_with_mp4 >= SPEEDUP_TARGET)} |",
        f"| whole job, real-time factor on {report.cores} cores | {duration / job_median:.2f}× real time "
        f"({seconds(job_median)} s median for {duration:.0f} s; min {seconds(min(report.job_seconds))} s; "
        f"{seconds(job_cpu)} CPU s with inspect_original) | – | – |",
        f"| whole job, peak memory | {megabytes(peak)} Python and ffmpeg together (polled); "
        f"Python alone {megabytes(python)}, largest ffmpeg {megabytes(child)} (`ru_maxrss`) | – | – |",
    ]


def stages_line(report: Report) -> str:
    job = min(report.jobs, key=lambda job: job["renditions_seconds"])
    stages = dict(job["stages"])
    probes = stages.pop("ffprobe", 0.0)
    total = job["inspect_seconds"] + job["renditions_seconds"]
    rest = total - sum(stages.values()) - probes
    parts = [f"{name} {seconds(value)} s" for name, value in sorted(stages.items(), key=lambda item: -item[1])]
    parts += [f"ffprobe (intake and output checks) {seconds(probes)} s", f"Python (thumbnails, the rest) {rest:.1f} s"]
    return (
        f"The whole job: the fastest run's {seconds(total)} s (with `inspect_original`) went to "
        + ", ".join(parts)
        + ". The ladder is the job; storage upload, not measured here, comes on top in `jobs.process`."
    )


def findings(report: Report) -> list[str]:
    comparison = report.comparison
    decode, decode_cpu = comparison.decode.median, comparison.decode.cpu
    extra_decodes = len(comparison.separate) - 2  # one video decode is needed anyway; the audio run decodes no video
    ours, separate = comparison.ours, comparison.separate_ladder
    audio_only = get_profiles().video.audio_only_name
    slowest_name, slowest = max(
        ((name, series) for name, series in comparison.separate.items() if name != audio_only),
        key=lambda item: item[1].median,
    )
    speedup_verdict = (
        f"meets the {SPEEDUP_TARGET}× target"
        if report.speedup_ladder >= SPEEDUP_TARGET
        else f"misses the {SPEEDUP_TARGET}× target"
    )
    mp4_verdict = "meets the target" if report.speedup_with_mp4 >= SPEEDUP_TARGET else "still misses the target"
    return [
        f"Wrapper overhead {report.overhead_percent:+.1f} % on medians ({report.overhead_percent_min:+.1f} % on "
        f"minimums): the timeout, reading `-progress pipe:1` in a thread ({comparison.progress_updates} "
        "updates per ladder) and building the command with ffmpeg-python cost nothing measurable next to "
        "the encode; a difference of this size is run-to-run noise.",
        f"Single decode, ladder only: {report.speedup_ladder:.2f}×, which {speedup_verdict}. All one decode "
        f"can save is the decodes the separate runs repeat: decoding this source alone takes {seconds(decode)} s "
        f"({seconds(decode_cpu)} CPU s), and the separate runs decode it {extra_decodes} more times. In CPU time "
        f"they use {seconds(separate.cpu)} s against {seconds(ours.cpu)} s, a difference of "
        f"{seconds(separate.cpu - ours.cpu)} s, where {extra_decodes} decodes account for "
        f"{seconds(extra_decodes * decode_cpu)} s. Decoding is "
        f"{decode_cpu / ours.cpu * 100:.0f} % of the ladder's CPU time; scaling and encoding, which both ways do "
        f"alike, are the rest (the {slowest_name} rung alone takes {seconds(slowest.median)} s of the separate "
        f"runs' {seconds(separate.median)} s). On average ours keeps {ours.cpu / ours.median:.1f} of the "
        f"{report.cores} cores busy, the separate runs {separate.cpu / separate.median:.1f}. Sources dearer to "
        "decode (1080p or 4K, HEVC, high bit rates) should widen the gap and slower x264 presets narrow it; "
        "neither is measured here.",
        f"Single decode, ladder + MP4: {report.speedup_with_mp4:.2f}×, which {mp4_verdict}: ours copies the MP4 "
        f"from the {comparison.mp4_rung} rung ({seconds(comparison.remux.median)} s) where the separate runs "
        f"encode it once more ({seconds(comparison.mp4_encode.median)} s).",
        f"The same renditions are made: {ours.megabytes:.1f} MB of HLS from (a), {comparison.by_hand.megabytes:.1f}"
        f" MB from (b), {separate.megabytes:.1f} MB from (c).",
        stages_line(report),
    ]


def section_title(kind: str) -> str:
    return SECTION_TITLE if kind == "landscape-720p" else f"{SECTION_TITLE}: 1080p phone clip, {CLIPS[kind][3]}"


def section(report: Report) -> str:
    clip = report.clip
    picture = clip.video_streams[0]
    bit_rate = (clip.bit_rate or 0) / 1e6
    lines = [
        section_title(report.clip_kind),
        "",
        *paragraph(
            f"`make bench-media` (runs `bench/pipeline.py`; {report.total_minutes:.0f} minutes this time): on a "
            f"generated {clip.duration or CLIP_SECONDS:.0f}-second {picture.width}x{picture.height} "
            f"{picture.frame_rate:g} fps {picture.codec}/AAC clip ({megabytes(report.clip_bytes)}, "
            f"{bit_rate:.1f} Mbit/s; {CLIPS[report.clip_kind][3]} of a moving test pattern, two noisy tones), "
            f"the video ladder of `profiles.json`: {', '.join(rung.name for rung in ladder_rungs(clip))} rungs "
            f"and the {get_profiles().video.audio_only_kbps} kbps audio-only rung, 6 s HLS segments, "
            "x264 veryfast. Measured side by side, in rounds (a, b, c, d, a, b, c, d, …):"
        ),
        "",
        *bullet(
            "(a) ours: the ladder built as `renditions._video` builds it and run by `transcoder.run` "
            "(timeout, progress read), building included;"
        ),
        *bullet("(b) by hand: the same arguments run by `subprocess.run`, no progress reading;"),
        *bullet(
            "(c) one ffmpeg run per rendition, as AtoM, Islandora and CollectiveAccess do, each decoding the "
            "source again: each rung by `hls_ladder` alone (so with our codec settings, bit rates and forced "
            "keyframes), the audio-only rung, and the MP4 as one more encode where ours copies it from the "
            "360p rung; run by `transcoder.run` like ours, so only the approach differs;"
        ),
        *bullet("(d) decoding the source alone, which is what a repeated run repeats."),
        "",
        *paragraph(
            "Then the whole video job (`inspect_original`, then `make_renditions`: ladder, output checks, MP4 "
            f"remux, poster, thumbnails; no storage upload), {len(report.jobs)} times, each in a fresh Python "
            "process with Django loaded. Peak memory: /proc polled every 20 ms for the resident memory of that "
            "process and its ffmpeg/ffprobe children together, and `getrusage` `ru_maxrss` for the process "
            "(`RUSAGE_SELF`) and its largest child (`RUSAGE_CHILDREN`). Each timed run waits until other "
            "processes have left the machine idle for 4 s (at most 5 minutes); CPU time others took meanwhile "
            "is counted from /proc/stat."
        ),
        "",
        *paragraph(
            f"Measured {report.day}, {report.rounds} rounds, on {report.cores} cores ({report.cpu_model}), "
            f"ffmpeg {report.ffmpeg}; {report.idle_note()}"
        ),
        "",
        *targets_table(report),
        "",
        *runs_table(report),
        "",
        *findings_block(findings(report)),
    ]
    return "\n".join(lines)


def limit_cores(cores: int) -> int:
    """Keep this process and its children on `cores` CPUs when the machine has more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) > cores:
        os.sched_setaffinity(0, available[:cores])
    return len(os.sched_getaffinity(0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds (at least 3 for the docs)")
    parser.add_argument("--cores", type=int, default=CORES, help="CPUs to run on when the machine has more")
    parser.add_argument("--seconds", type=int, default=CLIP_SECONDS, help="clip length (60 for the docs)")
    parser.add_argument("--clip", choices=sorted(CLIPS), default="landscape-720p", help="what to transcode")
    parser.add_argument("--no-docs", action="store_true", help="print only, leave docs/benchmarks.md alone")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for an idle machine before each run")
    parser.add_argument("--job", nargs=2, metavar=("CLIP", "OUTPUT_DIR"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.job:
        print(json.dumps(whole_job(Path(options.job[0]), Path(options.job[1]))))
        return

    global QUIET_WAIT
    QUIET_WAIT = not options.no_wait
    # SIGTERM unwinds like Ctrl-C, so the temporary folder is removed and by-hand ffmpeg killed.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    cores = limit_cores(options.cores)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX) as temporary:
        work = Path(temporary)
        clip = work / CLIP_NAME
        print(f"making the {options.seconds} s clip", file=sys.stderr, flush=True)
        make_clip(clip, options.seconds, options.clip)
        probe = intake.inspect_original(clip, clip.name, intake.Limits.from_settings())
        comparison = compare(clip, probe, work, options.rounds)
        jobs = []
        job_timeout = 4 * renditions.run_timeout(probe.duration or CLIP_SECONDS)
        for number in range(1, options.rounds + 1):
            print(f"whole job {number}/{options.rounds}", file=sys.stderr, flush=True)
            output_dir = work / "job"
            output_dir.mkdir()
            outcome: dict = {}
            sample = timed("whole job", run_whole_job, clip, output_dir, job_timeout, outcome)
            jobs.append({**outcome, "others_cpu_seconds": sample.others, "wall_seconds": sample.wall})
            shutil.rmtree(output_dir)
        report = Report(
            day=date.today().isoformat(),
            cores=cores,
            cpu_model=cpu_model(),
            ffmpeg=ffmpeg_version(),
            clip=probe,
            clip_kind=options.clip,
            clip_bytes=clip.stat().st_size,
            rounds=options.rounds,
            comparison=comparison,
            jobs=jobs,
            total_minutes=(time.monotonic() - started) / 60,
        )
    text = section(report)
    publish(text, section_title(options.clip), write_docs=not options.no_docs)


if __name__ == "__main__":
    main()
