"""Video on a mountain 3G link: a festival entry's 20-second video in Chromium with the
network emulated at 400 kbit/s down and 400 ms round trip (CDP
Network.emulateNetworkConditions), measured from pressing play.

Run with `make bench-mobile`. It starts an archive of its own (fresh database and media
folder, demo content without its recordings, `runserver` with production settings, so that
static files are compressed as visitors get them), makes a 20 s 1280x720 30 fps clip with
ffmpeg, prepares it with the media job (the profiles in media_pipeline/profiles.json) and puts it first on a
public festival entry without a sensitivity notice. Then, in a fresh browser context per
run, for Chromium's own HLS and for hls.js (Chromium told it has no HLS, as Firefox; the
override reaches scripts only, so until the player set the page's sources aside before play,
Chromium's own HLS still played in this mode):

- time to first frame: from play() to the first frame presented (requestVideoFrameCallback);
- time to play 20 s: from play() to `ended`;
- stalls (`waiting` after the first frame), the rungs whose segments were fetched, and the
  bytes the page fetched before play.

Targets: first frame within 3 s, 20 s played within 26 s. Prints Markdown and rewrites the
"Video on a slow link" section of docs/benchmarks.md. `--timeline` prints every request
after play with its time; `--players` runs one path only."""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from bench.report import bullet, cpu_model, paragraph, publish

ROOT = Path(__file__).resolve().parent.parent
TITLE = "## Video on a slow link"
CLIP_SECONDS = 20
DOWN_KBPS = 400
UP_KBPS = 400
RTT_MS = 400
FIRST_FRAME_TARGET = 3.0
PLAY_THROUGH_TARGET = 26.0
PLAY_TIMEOUT_MS = 120_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
PLAYERS = {"Chromium's own HLS": True, "hls.js": False}  # name: whether the browser's own HLS is used
MEDIA_PATH = re.compile(r"\.(m3u8|ts|m4s|mp4|m4a|mp3)$")
NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""
# Presses play and records, in page time, the first frame shown, stalls and the end.
PRESS_PLAY = """(video) => {
  const marks = window.__marks = { start: performance.now(), stalls: 0 };
  video.requestVideoFrameCallback(() => { marks.firstFrame = performance.now(); });
  video.addEventListener("waiting", () => { if (marks.firstFrame) marks.stalls += 1; });
  video.addEventListener("ended", () => { marks.ended = performance.now(); });
  video.muted = true;
  video.play();
}"""
ATTACH_CLIP = """
import json
from django.core.files import File
from wagtail.models import Collection
from heritage.models import EntryPage
from media_pipeline.jobs import process
from media_pipeline.models import MediaAsset
asset = MediaAsset(title="Lễ hội 20 s", type="video", collection=Collection.get_first_root_node())
with open({clip!r}, "rb") as handle:
    asset.file.save("festival-20s.mp4", File(handle), save=False)
asset.save()
assert process(asset.pk) == "ready", asset.failure_message
for entry in EntryPage.objects.live().filter(locale__language_code="vi", access_level="public").specific():
    if type(entry).__name__ == "FestivalPage" and not entry.entry_notices:
        break
else:
    raise SystemExit("no public festival entry without a notice")
blocks = [(block.block_type, block.value) for block in entry.media]
media_blocks = [n for n, (kind, _) in enumerate(blocks) if kind == "audio_video"]
value = {{"media": asset, "caption": "", "transcript": ""}}
if media_blocks:
    blocks[media_blocks[0]] = ("audio_video", value)
else:
    blocks.insert(0, ("audio_video", value))
entry.media = blocks
entry.save_revision().publish()
print(json.dumps({{"url": entry.url, "title": entry.title}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def make_clip(path: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={CLIP_SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={CLIP_SECONDS}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart", str(path)],
        check=True,
    )  # fmt: skip


def start_archive(folder: Path) -> tuple[str, dict, subprocess.Popen, dict]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "REDIS_URL", "ELASTICSEARCH_URL"}
        and not key.startswith("AWS_")
    }
    env.update(
        {
            # Production settings: static files (hls.js among them) compressed by WhiteNoise
            # as a visitor gets them; under dev settings hls.js alone is 389 KB on the link.
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "PAGE_CACHE_DIR": str(folder / "page-cache"),
            "BASE_URL": base_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    # The demo's own recordings are left out: their jobs would compete with the browser.
    manage(env, "load_demo_content", "--without-audio-video", "--accounts-file", str(folder / "accounts.txt"))
    clip = folder / "festival-20s.mp4"
    make_clip(clip)
    entry = json.loads(manage(env, "shell", "--no-imports", "-c", ATTACH_CLIP.format(clip=str(clip))).splitlines()[-1])
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + entry["url"], timeout=10):
                break
        except urllib.error.HTTPError as error:
            server.terminate()
            raise SystemExit(f"the entry page answered {error.code}") from error
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        raise SystemExit("the archive did not start")
    return base_url, env, server, entry


def one_run(browser, url: str, native: bool) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    if not native:
        page.add_init_script(NO_NATIVE_HLS)
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": RTT_MS,
            "downloadThroughput": DOWN_KBPS * 1000 / 8,
            "uploadThroughput": UP_KBPS * 1000 / 8,
        },
    )
    fetched: list[tuple[str, int]] = []
    finished_at: list[float] = []

    def finished(request) -> None:
        fetched.append((request.url, request.sizes()["responseBodySize"]))
        finished_at.append(time.monotonic())

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    before_play = sum(size for _, size in fetched)
    media_before_play = [address for address, _ in fetched if MEDIA_PATH.search(urlsplit(address).path)]
    played_from = len(fetched)
    video = page.locator("main video").first
    video.scroll_into_view_if_needed()
    pressed = time.monotonic()
    video.evaluate(PRESS_PLAY)
    page.wait_for_function("() => window.__marks.ended", timeout=PLAY_TIMEOUT_MS)
    marks = page.evaluate("() => window.__marks")
    after = fetched[played_from:]
    timeline = [
        f"{at - pressed:.2f} s {'/'.join(urlsplit(address).path.split('/')[-2:])} {size}"
        for (address, size), at in zip(after, finished_at[played_from:], strict=True)
    ]
    rungs = sorted({m.group(1) for address, _ in after if (m := re.search(r"/hls/([^/]+)/segment_\d+\.ts$", address))})
    context.close()
    return {
        "first_frame": (marks["firstFrame"] - marks["start"]) / 1000,
        "played": (marks["ended"] - marks["start"]) / 1000,
        "stalls": marks["stalls"],
        "rungs": rungs,
        "bytes_before_play": before_play,
        "media_before_play": media_before_play,
        "bytes_after_play": sum(size for _, size in after),
        "hls_js": any("hls.light" in address for address, _ in after),
        "timeline": timeline,
    }


def section(results: dict[str, list[dict]], entry: dict, note: str) -> str:
    setting = (
        f"`make bench-mobile` (bench/mobile_video.py), {date.today().isoformat()}, {cpu_model()}, {note}. "
        f"Chromium {browser_version()} with CDP network emulation at {DOWN_KBPS} kbit/s down, {UP_KBPS} kbit/s "
        f"up, {RTT_MS} ms latency; a {CLIP_SECONDS} s 1280x720 30 fps clip (testsrc2, a busy picture) first "
        f"on the festival entry “{entry['title']}”, runserver with production settings (static files "
        "compressed by WhiteNoise), a fresh browser context per run; "
        f"timed from play(). Targets: first frame within {FIRST_FRAME_TARGET:g} s, {CLIP_SECONDS} s played "
        f"within {PLAY_THROUGH_TARGET:g} s."
    )
    header = "| player | runs | first frame (median, worst) | 20 s played (median, worst) | stalls | rungs fetched "
    lines = [TITLE, "", *paragraph(setting), "", header + "| KB before play |", "|---" * 7 + "|"]
    for mode, runs in results.items():
        first = [run["first_frame"] for run in runs]
        played = [run["played"] for run in runs]
        rungs = sorted({rung for run in runs for rung in run["rungs"]})
        lines.append(
            f"| {mode} | {len(runs)} | {statistics.median(first):.2f} s, {max(first):.2f} s "
            f"| {statistics.median(played):.1f} s, {max(played):.1f} s | {sum(run['stalls'] for run in runs)} "
            f"| {', '.join(rungs)} | {max(run['bytes_before_play'] for run in runs) / 1024:.0f} |"
        )
    lines.append("")
    for mode, runs in results.items():
        first_ok = max(run["first_frame"] for run in runs) <= FIRST_FRAME_TARGET
        played_ok = max(run["played"] for run in runs) <= PLAY_THROUGH_TARGET
        media = [address for run in runs for address in run["media_before_play"]]
        lines += bullet(
            f"{mode}: first frame {'met' if first_ok else 'missed'}, play-through {'met' if played_ok else 'missed'}"
            f"; media requests before play: {len(media)}."
        )
    return "\n".join(lines) + "\n"


def browser_version() -> str:
    output = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout
    match = re.search(r"[\d.]+", output)
    return match.group(0) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--note", default="two cores", help="how the machine was")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--players", nargs="+", choices=PLAYERS, default=list(PLAYERS), help="which player paths")
    parser.add_argument("--timeline", action="store_true", help="print every request after play, with its time")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-mobile-"))
    server = None
    try:
        base_url, _, server, entry = start_archive(folder)
        results: dict[str, list[dict]] = {mode: [] for mode in options.players}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            for _ in range(options.runs):
                for mode in options.players:
                    run = one_run(browser, base_url + entry["url"], PLAYERS[mode])
                    timeline = run.pop("timeline")
                    print(mode, json.dumps(run), file=sys.stderr)
                    if options.timeline:
                        print("\n".join("    " + line for line in timeline), file=sys.stderr)
                    results[mode].append(run)
            browser.close()
        publish(section(results, entry, options.note), TITLE, not options.no_docs)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
