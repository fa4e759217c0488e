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
in a fresh Python process, whose memory is measured on its own. Prints Markdown tables and
rewrites the "Media pipeline" section of docs/benchmarks.md."""

import argparse
import json
import os
import re
import resource
import shutil
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

from media_pipeline import intake, renditions, transcoder  # noqa: E402
from media_pipeline.profiles import Rung, VideoProfile, get_profiles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLIP_SECONDS = 60
CLIP_NAME = "clip.mp4"
ROUNDS = 3
CORES = 2
OVERHEAD_TARGET_PERCENT = 5.0
SPEEDUP_TARGET = 1.5
BUSY_LIMIT_PERCENT = 2.0
CLIP_TIMEOUT_SECONDS = 600
POLL_SECONDS = 0.02
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Media pipeline"
SECTION_BEFORE = "## Setting up"
TEMPORARY_PREFIX = "bench-media-"


# --- the clip ---------------------------------------------------------------------------------


def make_clip(path: Path, seconds: int = CLIP_SECONDS) -> None:
    """A 1280x720 25 fps H.264 (x264 veryfast, crf 20) clip with stereo AAC: a moving test
    pattern, and two tones with a little noise so the audio encoder has work to do."""
    audio = (
        "aevalsrc='0.3*sin(2*PI*440*t)+0.05*(random(0)*2-1)|0.3*sin(2*PI*554*t)+0.05*(random(1)*2-1)'"
        f":s=48000:d={seconds}"
    )
    command = [
        *"ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i".split(),
        f"testsrc2=size=1280x720:rate=25:duration={seconds}",
        *"-f lavfi -i".split(),
        audio,
        *"-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 -shortest".split(),
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
        has_audio=bool(probe.audio_streams),
        segment_seconds=profile.segment_seconds,
        preset=profile.x264_preset,
        portrait=picture.displayed_portrait,
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
        *("-force_key_frames", f"expr:gte(t,n_forced*{profile.segment_seconds})"),
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


def timed(action: Callable[..., None], *arguments: object) -> Sample:
    """Runs `action`; the CPU time of the machine not spent by this process or its children
    is what other processes took (a busy machine makes every timing here unreliable)."""
    children_before, own_before, busy_before = children_cpu(), own_cpu(), machine_busy_cpu()
    started = time.perf_counter()
    action(*arguments)
    wall = time.perf_counter() - started
    children, own = children_cpu() - children_before, own_cpu() - own_before
    others = max(0.0, machine_busy_cpu() - busy_before - children - own)
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
            sum(part.samples[index].wall for part in parts),
            sum(part.samples[index].cpu for part in parts),
            sum(part.samples[index].output_bytes for part in parts),
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
    )
    updates = []

    for number in range(1, rounds + 1):
        print(f"round {number}/{rounds}", file=sys.stderr, flush=True)

        hls_dir = work / "ours" / "hls"
        make_variant_folders(hls_dir, names)
        sample = timed(build_and_run_ladder, clip, probe, hls_dir, updates.append)
        check_ladder(hls_dir, names)
        sample.output_bytes = folder_bytes(hls_dir)
        result.ours.samples.append(sample)
        mp4 = work / "ours" / "video.mp4"
        remux = transcoder.remux(hls_dir / mp4_rung.name / "index.m3u8", mp4, input_formats=renditions.HLS_FORMATS)
        sample = timed(run_ours, remux, duration)
        sample.output_bytes = mp4.stat().st_size
        result.remux.samples.append(sample)
        shutil.rmtree(work / "ours")

        hls_dir = work / "by-hand" / "hls"
        make_variant_folders(hls_dir, names)
        arguments = ladder_arguments(clip, probe, hls_dir)
        sample = timed(run_by_hand, arguments, timeout)
        check_ladder(hls_dir, names)
        sample.output_bytes = folder_bytes(hls_dir)
        result.by_hand.samples.append(sample)
        shutil.rmtree(work / "by-hand")

        hls_dir = work / "separate" / "hls"
        make_variant_folders(hls_dir, names)
        for rung in rungs:
            arguments = ladder_arguments(clip, probe, hls_dir, rungs=(rung,))
            sample = timed(run_ours, arguments, duration)
            sample.output_bytes = folder_bytes(hls_dir / rung.name)
            result.separate[rung.name].samples.append(sample)
        arguments = audio_only_arguments(clip, probe, hls_dir)
        sample = timed(run_ours, arguments, duration)
        sample.output_bytes = folder_bytes(hls_dir / profile.audio_only_name)
        result.separate[profile.audio_only_name].samples.append(sample)
        check_ladder(hls_dir, names)
        mp4 = work / "separate" / "video.mp4"
        arguments = mp4_encode_arguments(clip, mp4_rung, profile, mp4)
        sample = timed(run_ours, arguments, duration)
        sample.output_bytes = mp4.stat().st_size
        result.mp4_encode.samples.append(sample)
        shutil.rmtree(work / "separate")

        decode = ["-protocol_whitelist", "file", "-i", f"file:{clip}", "-map", "0:v", "-f", "null", "-"]
        result.decode.samples.append(timed(run_by_hand, decode, timeout))

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
        probe = intake.inspect_original(clip, clip.name, "video", intake.Limits.from_settings())
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
    clip_bytes: int
    rounds: int
    comparison: Comparison
    jobs: list[dict]

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
    def others_percent(self) -> float:
        """The share of the machine other processes took while runs were timed."""
        comparison = self.comparison
        series = [
            comparison.ours,
            comparison.remux,
            comparison.by_hand,
            *comparison.separate.values(),
            comparison.mp4_encode,
            comparison.decode,
        ]
        samples = [sample for part in series for sample in part.samples]
        others = sum(sample.others for sample in samples) + sum(job["others_cpu_seconds"] for job in self.jobs)
        wall = sum(sample.wall for sample in samples) + sum(job["wall_seconds"] for job in self.jobs)
        return others / (wall * self.cores) * 100

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
        f"({seconds(job_median)} s median for {duration:.0f} s; min {seconds(min(report.job_seconds))} s) | – | – |",
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
        f"Where the fastest whole job's {seconds(total)} s went (inspect_original "
        f"{seconds(job['inspect_seconds'])} s included): " + ", ".join(parts) + "."
    )


def findings(report: Report) -> list[str]:
    comparison = report.comparison
    decode = comparison.decode.median
    video_runs = len(comparison.separate) - 1
    extra_decodes = video_runs - 1
    separate_cpu, ours_cpu = comparison.separate_ladder.cpu, comparison.ours.cpu
    audio_only = get_profiles().video.audio_only_name
    slowest_name, slowest = max(
        ((name, series) for name, series in comparison.separate.items() if name != audio_only),
        key=lambda item: item[1].median,
    )
    bullets = [
        f"- Wrapper overhead: {report.overhead_percent:+.1f} % (median) — timeout, `-progress pipe:1` read "
        f"by a thread ({comparison.progress_updates} progress updates per ladder) and the argument building "
        "cost nothing measurable next to the encode; differences of this size are run-to-run noise.",
    ]
    if report.speedup_ladder >= SPEEDUP_TARGET:
        bullets.append(
            f"- Single decode: {report.speedup_ladder:.2f}× faster for the ladder, "
            f"{report.speedup_with_mp4:.2f}× with the MP4."
        )
    else:
        bullets.append(
            f"- Single decode misses the {SPEEDUP_TARGET}× target for the ladder ({report.speedup_ladder:.2f}×). "
            f"What one decode saves is the decodes the separate runs repeat: decoding this source alone takes "
            f"{seconds(decode)} s, and the separate runs decode it {extra_decodes} more times "
            f"(the audio-only run reads no video), about {seconds(extra_decodes * decode)} s; in CPU time "
            f"the separate runs use {seconds(separate_cpu)} s against {seconds(ours_cpu)} s. The encodes, "
            f"identical in both, dominate: the {slowest_name} rung alone takes {seconds(slowest.median)} s "
            f"of the {seconds(comparison.separate_ladder.median)} s. "
            f"x264 at veryfast is cheap per pixel, so the decode is a small share; the saving grows with costlier "
            f"sources (1080p/4K, HEVC, high bit rates) and shrinks with slower presets."
        )
        if report.speedup_with_mp4 >= SPEEDUP_TARGET:
            bullets.append(
                f"- Counting the MP4, which ours copies from the 360p rung ({seconds(comparison.remux.median)} s) "
                f"while separate runs encode it again ({seconds(comparison.mp4_encode.median)} s), single decode "
                f"is {report.speedup_with_mp4:.2f}× faster: the target is met for ladder + MP4."
            )
        else:
            bullets.append(
                f"- Counting the MP4, which ours copies from the 360p rung ({seconds(comparison.remux.median)} s) "
                f"while separate runs encode it again ({seconds(comparison.mp4_encode.median)} s), single decode "
                f"is {report.speedup_with_mp4:.2f}× faster, still under the target."
            )
    bullets.append(
        f"- Output sizes match between (a) and (b) ({comparison.ours.megabytes:.1f} MB vs "
        f"{comparison.by_hand.megabytes:.1f} MB) and (c) ({comparison.separate_ladder.megabytes:.1f} MB): "
        "the same renditions are made."
    )
    bullets.append(f"- {stages_line(report)}")
    return bullets


def section(report: Report) -> str:
    clip = report.clip
    picture = clip.video_streams[0]
    bit_rate = (clip.bit_rate or 0) / 1e6
    lines = [
        SECTION_TITLE,
        "",
        "`make bench-media` (runs `bench/pipeline.py`, about ten minutes): on a generated "
        f"{clip.duration or CLIP_SECONDS:.0f}-second {picture.width}x{picture.height} "
        f"{picture.frame_rate:g} fps H.264/AAC clip ({megabytes(report.clip_bytes)}, {bit_rate:.1f} Mbit/s, "
        "x264 veryfast crf 20, test pattern and noisy tones), the video ladder of `profiles.json` (240p, 360p, "
        "720p and the 64 kbps audio-only rung, 6 s HLS segments, x264 veryfast). (a) ours: the ladder through "
        "`transcoder.run`, built as `renditions._video` builds it; (b) the same arguments run by hand with "
        "`subprocess.run`, no progress reading; (c) one ffmpeg run per rendition, as AtoM, Islandora and "
        "CollectiveAccess do, each decoding the source again, with our codec settings (each rung by "
        "`hls_ladder` alone, through `transcoder.run` like ours), and the MP4 as one more encode where ours "
        "copies the 360p rung; (d) decoding the source alone. "
        f"{report.rounds} rounds interleaved (a, b, c, d, a, b, c, d, …). "
        "Then the whole video job (`inspect_original` and `make_renditions`: ladder, output checks, MP4 "
        "remux, poster, thumbnails; no storage upload) "
        f"{len(report.jobs)} times, each in a fresh Python process with Django loaded. Peak memory: /proc "
        "polled every 20 ms for the resident memory of that process and its ffmpeg/ffprobe children "
        "together, and `getrusage` `ru_maxrss` for the process (`RUSAGE_SELF`) and its largest child "
        "(`RUSAGE_CHILDREN`).",
        "",
        f"Measured {report.day} on {report.cores} cores ({report.cpu_model}), ffmpeg {report.ffmpeg}. "
        f"Other processes took {report.others_percent:.1f} % of the machine while runs were timed "
        "(from /proc/stat, less this benchmark's own CPU time)"
        + (
            "."
            if report.others_percent <= BUSY_LIMIT_PERCENT
            else ": **the machine was not idle, so these timings are not reliable; run again on a quiet machine**."
        ),
        "",
        *targets_table(report),
        "",
        *runs_table(report),
        "",
        "What the numbers say:",
        "",
        *findings(report),
        "",
    ]
    return "\n".join(lines)


def update_docs(text: str, path: Path = DOCS) -> None:
    """Replace the Media pipeline section, or put it before "Setting up" (or at the end)."""
    current = path.read_text(encoding="utf-8")
    start = current.find(f"\n{SECTION_TITLE}\n")
    if start >= 0:
        end = current.find("\n## ", start + 1)
        end = len(current) if end < 0 else end + 1
        updated = current[: start + 1] + text + ("\n" if end < len(current) else "") + current[end:]
    else:
        before = current.find(f"\n{SECTION_BEFORE}\n")
        if before >= 0:
            updated = current[: before + 1] + text + "\n" + current[before + 1 :]
        else:
            updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


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
    parser.add_argument("--no-docs", action="store_true", help="print only, leave docs/benchmarks.md alone")
    parser.add_argument("--job", nargs=2, metavar=("CLIP", "OUTPUT_DIR"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.job:
        print(json.dumps(whole_job(Path(options.job[0]), Path(options.job[1]))))
        return

    cores = limit_cores(options.cores)
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX) as temporary:
        work = Path(temporary)
        clip = work / CLIP_NAME
        print(f"making the {options.seconds} s clip", file=sys.stderr, flush=True)
        make_clip(clip, options.seconds)
        probe = intake.inspect_original(clip, clip.name, "video", intake.Limits.from_settings())
        comparison = compare(clip, probe, work, options.rounds)
        jobs = []
        job_timeout = 4 * renditions.run_timeout(probe.duration or CLIP_SECONDS)
        for number in range(1, options.rounds + 1):
            print(f"whole job {number}/{options.rounds}", file=sys.stderr, flush=True)
            output_dir = work / "job"
            output_dir.mkdir()
            outcome: dict = {}
            sample = timed(run_whole_job, clip, output_dir, job_timeout, outcome)
            jobs.append({**outcome, "others_cpu_seconds": sample.others, "wall_seconds": sample.wall})
            shutil.rmtree(output_dir)
        report = Report(
            day=date.today().isoformat(),
            cores=cores,
            cpu_model=cpu_model(),
            ffmpeg=ffmpeg_version(),
            clip=probe,
            clip_bytes=clip.stat().st_size,
            rounds=options.rounds,
            comparison=comparison,
            jobs=jobs,
        )
    text = section(report)
    print(text)
    if not options.no_docs:
        update_docs(text)
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
