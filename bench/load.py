"""Anonymous load on the whole stack: gunicorn with production settings and two workers,
driven by `hey` (github.com/rakyll/hey, built from the Go module proxy into var/bin/).

Run with `make bench-load` (no database needed; `--seconds 3` for a quick try). Everything
lives in one temporary folder, removed at the end:

1. A throwaway archive: SQLite in that folder (or, in the `postgresql+redis` setup, a
   PostgreSQL server and a Redis server started here as the engine tests start them,
   tests/engines/postgresql.py and redis.py), migrated, with the demo entries
   (`load_demo_content --without-audio-video`) and `collectstatic`.
2. For each setup and cache setting: gunicorn (`config.settings.production`, two sync
   workers), each page warmed, then `hey` with `--concurrency` clients for `--seconds`
   seconds, asking for gzip as browsers do. "cache on" is the page cache as deployed (a file
   cache, or Redis when REDIS_URL is set); "cache off" is PAGE_CACHE_SECONDS=0.

Prints a Markdown table (requests/s, p95, share of answers that were 200) with issue 16's
targets: from cache at least 1,500 requests/s, cache off at least 150, p95 under 150 ms,
the search page at least 80 requests/s."""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.engines.postgresql import running_postgresql  # noqa: E402
from tests.engines.redis import running_redis  # noqa: E402

HEY = ROOT / "var" / "bin" / "hey"
HEY_MODULE = "github.com/rakyll/hey@v0.1.4"
PAGES = {
    "home": "/vi/",
    "listing": "/vi/le-hoi/",
    "entry": None,  # the first public festival, found once the demo is loaded
    "group page": "/vi/dan-toc/tay/",
    "search": "/vi/search/?q=then",
}
TARGETS = {"cached": 1500, "uncached": 150, "search": 80, "p95_ms": 150}


@dataclass
class Result:
    setup: str
    cache: str
    page: str
    rps: float
    p95_ms: float
    ok_share: float


def ensure_hey() -> Path:
    if not HEY.exists():
        HEY.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["go", "install", HEY_MODULE], check=True, env={**os.environ, "GOBIN": str(HEY.parent)})
    return HEY


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def archive_env(folder: Path, database_url: str, redis_url: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "PAGE_CACHE_DIR": str(folder / "page-cache"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
    }


def prepare_archive(env: dict[str, str]) -> str:
    """Migrate, load the demo and collect static files; returns the entry page's path."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(
        env, "load_demo_content", "--without-audio-video", "--accounts-file", str(Path(env["MEDIA_ROOT"]).parent / "a")
    )
    manage(env, "collectstatic", "--no-input", "-v", "0")
    code = (
        "from heritage.models import FestivalPage; "
        "print(FestivalPage.objects.live().public().filter(locale__language_code='vi').first().url)"
    )
    return manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], folder: Path) -> Iterator[str]:
    port = free_port()
    log = (folder / f"gunicorn-{port}.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/robots.txt", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{Path(log.name).read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def hey(url: str, seconds: float, concurrency: int) -> tuple[float, float, float]:
    """Requests/s, p95 in ms and the share of 200 answers."""
    output = subprocess.run(
        [str(HEY), "-z", f"{seconds}s", "-c", str(concurrency), "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = float(re.search(r"95%+ in ([\d.]+) secs", output).group(1)) * 1000
    codes = {int(code): int(count) for code, count in re.findall(r"\[(\d{3})\]\s+(\d+) responses", output)}
    total = sum(codes.values()) or 1
    return rps, p95, codes.get(200, 0) / total


def measure(setup: str, env: dict[str, str], folder: Path, pages: dict[str, str], args) -> list[Result]:
    results = []
    for cache, seconds in (("on", "600"), ("off", "0")):
        with gunicorn({**env, "PAGE_CACHE_SECONDS": seconds}, folder) as base:
            for page, path in pages.items():
                for _ in range(3):
                    request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                    with urllib.request.urlopen(request, timeout=30) as response:
                        assert response.status == 200, (page, response.status)
                rps, p95, ok = hey(base + path, args.seconds, args.concurrency)
                results.append(Result(setup, cache, page, rps, p95, ok))
                print(
                    f"{setup:>18} cache {cache:>3} {page:>10}: {rps:8.0f} req/s  p95 {p95:6.1f} ms  {ok:.0%} 200",
                    flush=True,
                )
    return results


def meets(result: Result) -> str:
    floor = TARGETS["search"] if result.page == "search" else TARGETS["cached" if result.cache == "on" else "uncached"]
    good = result.rps >= floor and result.p95_ms < TARGETS["p95_ms"] and result.ok_share == 1
    return "yes" if good else "NO"


def table(results: list[Result]) -> str:
    lines = [
        "| setup | cache | page | requests/s | p95 ms | 200s | meets target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.setup} | {r.cache} | {r.page} | {r.rps:.0f} | {r.p95_ms:.1f} | {r.ok_share:.0%} | {meets(r)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="how long hey runs per page (default 20)")
    parser.add_argument("--concurrency", type=int, default=8, help="hey's concurrent clients (default 8)")
    parser.add_argument(
        "--setups", nargs="+", default=["sqlite", "postgresql+redis"], choices=["sqlite", "postgresql+redis"]
    )
    args = parser.parse_args()
    ensure_hey()
    results = []
    for setup in args.setups:
        folder = Path(tempfile.mkdtemp(prefix="heritage-load-"))
        try:
            with contextlib.ExitStack() as stack:
                if setup == "sqlite":
                    env = archive_env(folder, f"sqlite:///{folder / 'db.sqlite3'}")
                else:
                    env = archive_env(
                        folder, stack.enter_context(running_postgresql()), stack.enter_context(running_redis())
                    )
                entry = prepare_archive(env)
                pages = {name: path or entry for name, path in PAGES.items()}
                results += measure(setup, env, folder, pages, args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(f"hey -z {args.seconds:g}s -c {args.concurrency}, gunicorn -w 2, {os.cpu_count()} CPUs")
    print(table(results))


if __name__ == "__main__":
    main()
