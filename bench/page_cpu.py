"""CPU time per anonymous page view, in-process, with the page cache off: what the load
benchmark's requests/s with the cache off come down to, measured in a way the other
work on a busy machine barely disturbs (CPU time of this process, not wall-clock time).

Run with `.venv/bin/python bench/page_cpu.py` (`--requests 200`). It builds a throwaway
archive as `make bench-load` does (SQLite, `config.settings.production`, the demo entries
without audio or video, `PAGE_CACHE_SECONDS=0`), then, per page, warms it with three
requests and times `--requests` Django test-client GETs asking for gzip with
`time.process_time()`; the SQL queries are counted on one more request."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACE_PAGE = "/vi/dia-phuong/tuyen-quang/"


def _count_queries(connection, client, path: str) -> int:
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    return len(queries)


def measure(requests: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.load import PAGES
    from heritage.models import FestivalPage

    entry = FestivalPage.objects.live().public().filter(locale__language_code="vi").first().url
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    print("| page | SQL queries | CPU ms per request |\n| --- | --- | --- |")
    for name, path in {**PAGES, "place page": PLACE_PAGE}.items():
        path = path or entry
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        queries = _count_queries(connection, client, path)
        started = time.process_time()
        for _ in range(requests):
            client.get(path)
        cpu_ms = (time.process_time() - started) / requests * 1000
        print(f"| {name} | {queries} | {cpu_ms:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests)
        return
    from bench.load import archive_env, prepare_archive

    folder = Path(tempfile.mkdtemp(prefix="heritage-cpu-"))
    try:
        env = {**archive_env(folder, f"sqlite:///{folder / 'db.sqlite3'}"), "PAGE_CACHE_SECONDS": "0"}
        env["ALLOWED_HOSTS"] += ",testserver"
        prepare_archive(env)
        command = [sys.executable, __file__, "--measure", "--requests", str(args.requests)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.requests} GETs per page, {os.cpu_count()} CPUs, time.process_time()")


if __name__ == "__main__":
    main()
