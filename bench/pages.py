"""Page weight (HTML, CSS, JS before media), SQL queries and server time per public page.

Run with `make bench` on a database that holds the demo content (`make demo`).
Prints a Markdown table; docs/benchmarks.md keeps the latest results."""

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from heritage.models import CustomPage, EntryPage, FestivalPage, RecordingPage  # noqa: E402

LIMIT_BYTES = 250 * 1024
RUNS = 5


def pages() -> list[tuple[str, str]]:
    public = EntryPage.objects.live().public()
    urls = [
        ("home (vi)", "/vi/"),
        ("home (en)", "/en/"),
        ("festival listing", "/vi/le-hoi/"),
        ("ethnic groups", "/vi/dan-toc/"),
        ("ethnic group (Tày)", "/vi/dan-toc/tay/"),
        ("places", "/vi/dia-phuong/"),
        ("place (Tuyên Quang)", "/vi/dia-phuong/tuyen-quang/"),
        ("search", "/vi/search/?q=then"),
    ]
    for label, model in (("festival", FestivalPage), ("custom", CustomPage), ("recording", RecordingPage)):
        page = public.type(model).filter(locale__language_code="vi").first()
        if page:
            urls.append((f"{label} entry", page.url))
    return urls


def asset_bytes(html: str) -> int:
    total = 0
    for path in set(re.findall(r'(?:href|src)="/static/([^"?]+)', html)):
        if path.endswith((".css", ".js", ".woff2", ".svg")):
            found = finders.find(path)
            total += Path(found).stat().st_size if found else 0
    return total


def main() -> None:
    client = Client(HTTP_HOST="localhost")
    print("| page | status | HTML KB | CSS+JS KB | total KB | under 250 KB | SQL queries | median ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, url in pages():
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        html = response.content.decode()
        html_bytes, static_bytes = len(response.content), asset_bytes(html)
        total = html_bytes + static_bytes
        print(
            f"| {label} | {response.status_code} | {html_bytes / 1024:.1f} | {static_bytes / 1024:.1f} "
            f"| {total / 1024:.1f} | {'yes' if total <= LIMIT_BYTES else 'NO'} | {len(queries)} "
            f"| {statistics.median(timings):.0f} |"
        )


if __name__ == "__main__":
    main()
