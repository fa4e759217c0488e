"""Browser tests against the archive as a newcomer runs it.

The archive is started in subprocesses exactly as `make run` does (migrate, load the
demo content, web server and media worker), on a fresh temporary database and media
folder, so the tests see real HTTP, real static files, real media and the real
Content-Security-Policy. pytest-django's live_server is not used: it would flush the
database the in-process tests share.

Chromium is Debian's (`make install-test-system`); Playwright's own browser download is
never used. Screenshots of every step go to test-output/screenshots/.
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.engines.s3 import S3Server, running_s3

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_DIR / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
STARTUP_TIMEOUT = 60
MEDIA_TIMEOUT = 240
COMMAND_TIMEOUT = 300

# What the tests need to know about the demo content, read from the database the
# server uses rather than hard-coded, so the tests follow entries.json.
DEMO_FACTS_SCRIPT = """
import json
from wagtail.models import Locale
from heritage.models import EntryPage, FestivalIndexPage, HomePage
vi = Locale.objects.get(language_code="vi")
en = Locale.objects.get(language_code="en")
entries = []
for page in EntryPage.objects.filter(locale=vi).live().specific().order_by("pk"):
    english = page.get_translation_or_none(en)
    entries.append({
        "id": page.pk,
        "slug": page.slug,
        "type": type(page).__name__,
        "access": page.access_level,
        "title": page.title,
        "url": page.url,
        "title_en": english.title if english else None,
        "url_en": english.url if english else None,
        "groups": [group.code for group in page.ethnic_groups.all()],
        "notices": [notice.code for notice in page.entry_notices],
        "media": [
            {"kind": block.value["media"].type, "url": block.value["media"].url,
             "transcript": block.value["transcript"]}
            for block in page.audio_video_blocks
        ],
    })
print(json.dumps({
    "home_title": HomePage.objects.get(locale=vi).title,
    "festival_index_id": FestivalIndexPage.objects.get(locale=vi).pk,
    "entries": entries,
}))
"""


@dataclass
class Archive:
    """A running archive: where it answers, its demo accounts and its demo content."""

    base_url: str
    accounts: dict[str, str]
    facts: dict
    env: dict[str, str]
    folder: Path
    s3: S3Server | None = None

    def url(self, path: str) -> str:
        return self.base_url + path

    def manage(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
        """Run a management command against the same database and files as the server."""
        return _manage(self.env, *args, timeout=timeout)

    def query(self, code: str) -> dict:
        """Run Python in `manage.py shell` against the server's database; the code must
        print one JSON document as its last line of output."""
        result = self.manage("shell", "--no-imports", "-c", code, timeout=60)
        lines = result.stdout.strip().splitlines()
        assert lines, f"manage.py shell printed nothing; stderr:\n{result.stderr[-3000:]}"
        return json.loads(lines[-1])

    def entry(self, slug: str) -> dict:
        for entry in self.facts["entries"]:
            if entry["slug"] == slug:
                return entry
        raise AssertionError(f"The demo content has no live Vietnamese entry {slug!r}")

    def entries_where(self, predicate: Callable[[dict], bool]) -> list[dict]:
        return [entry for entry in self.facts["entries"] if predicate(entry)]

    def status_of(self, path: str) -> int:
        """HTTP status of an anonymous GET, without following redirects."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(self.url(path), timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _manage(env: dict[str, str], *args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command[1:3])}` failed with exit code {result.returncode}\n"
            f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-5000:]}",
            pytrace=False,
        )
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _parse_accounts(output: str) -> dict[str, str]:
    """The "username password" lines load_demo_content prints after its "Accounts" line."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Accounts")), None)
    assert start is not None, f"load_demo_content printed no accounts:\n{output}"
    accounts = {}
    for line in lines[start + 1 :]:
        match = re.fullmatch(r"\s+(\S+)\s+(\S+)\s*", line)
        if match:
            accounts[match.group(1)] = match.group(2)
    for username in ("officer", "reviewer"):
        assert username in accounts, f"No password printed for {username!r}:\n{output}"
        assert not accounts[username].startswith("("), f"Password of {username!r} unknown:\n{output}"
    return accounts


def _tail(path: Path, size: int = 5000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else "(no output)"


def _wait_until_media_ready(database: Path, processes: dict[str, subprocess.Popen], logs: dict[str, Path]) -> None:
    """The worker prepares the demo's recordings in the background; the tests play them."""
    deadline = time.monotonic() + MEDIA_TIMEOUT
    states: list = []
    while time.monotonic() < deadline:
        if processes["media worker"].poll() is not None:
            pytest.fail(f"The media worker exited:\n{_tail(logs['media worker'])}", pytrace=False)
        with sqlite3.connect(database) as connection:
            states = connection.execute(
                "SELECT status, count(*) FROM media_pipeline_mediaasset GROUP BY status"
            ).fetchall()
        if states and all(status == "ready" for status, _ in states):
            return
        if any(status == "failed" for status, _ in states):
            pytest.fail(f"A demo recording failed: {states}\n{_tail(logs['media worker'])}", pytrace=False)
        time.sleep(1)
    pytest.fail(f"The demo recordings were not ready in {MEDIA_TIMEOUT} s: {states}", pytrace=False)


def _wait_until_healthy(base_url: str, processes: dict[str, subprocess.Popen], logs: dict[str, Path]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_answer = "no answer"
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                pytest.fail(
                    f"The {name} exited with code {process.returncode} while starting:\n{_tail(logs[name])}",
                    pytrace=False,
                )
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
                last_answer = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last_answer = f"HTTP {error.code}: {error.read()[:500]!r}"
        except OSError as error:
            last_answer = repr(error)
        time.sleep(0.5)
    pytest.fail(
        f"{base_url}/healthz did not answer 200 within {STARTUP_TIMEOUT} s (last: {last_answer}).\n"
        f"Server stderr:\n{_tail(logs['web server'])}\nWorker stderr:\n{_tail(logs['media worker'])}",
        pytrace=False,
    )


def _wait_until_uploads_answer(upload_url: str, processes: dict[str, subprocess.Popen], logs: dict[str, Path]) -> None:
    """run_tusd may first build tusd (minutes); an upload started before it listens fails at once."""
    deadline = time.monotonic() + COMMAND_TIMEOUT
    while time.monotonic() < deadline:
        if processes["upload server"].poll() is not None:
            pytest.fail(f"The upload server exited:\n{_tail(logs['upload server'])}", pytrace=False)
        request = urllib.request.Request(upload_url, method="OPTIONS")
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"tusd did not answer within {COMMAND_TIMEOUT} s:\n{_tail(logs['upload server'])}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _environment(folder: Path, base_url: str, upload_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Whatever the developer's shell or pytest-django set must not leak in.
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "REDIS_URL", "ELASTICSEARCH_URL"}
        and not key.startswith("AWS_")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "PAGE_CACHE_DIR": str(folder / "page-cache"),
            "BASE_URL": base_url,
            "UPLOADS_TUSD_URL": f"http://127.0.0.1:{upload_port}/files/",
            "UPLOADS_TUSD_LISTEN": f"127.0.0.1:{upload_port}",
            "UPLOADS_DIR": str(folder / "tus"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextmanager
def _serving(env: dict[str, str], folder: Path, port: int, with_media: bool = True) -> Iterator[None]:
    """The web server, the media worker and the upload server, as `make run` starts them,
    until the block ends; with_media: wait until the demo's recordings are prepared."""
    processes: dict[str, subprocess.Popen] = {}
    log_handles = []
    try:
        server_env = {**env, "LOG_LEVEL": "INFO"}
        logs = {
            "web server": folder / "runserver.log",
            "media worker": folder / "db_worker.log",
            "upload server": folder / "tusd.log",
        }
        commands = {
            "web server": ["runserver", f"127.0.0.1:{port}", "--noreload"],
            "media worker": ["media_worker"],
            "upload server": ["run_tusd"],
        }
        for name, args in commands.items():
            handle = logs[name].open("w")
            log_handles.append(handle)
            processes[name] = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=PROJECT_DIR,
                env=server_env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        _wait_until_healthy(f"http://127.0.0.1:{port}", processes, logs)
        _wait_until_uploads_answer(env["UPLOADS_TUSD_URL"], processes, logs)
        if with_media:
            _wait_until_media_ready(folder / "db.sqlite3", processes, logs)
        yield
    finally:
        for process in processes.values():
            _stop(process)
        for handle in log_handles:
            handle.close()


@pytest.fixture(scope="session")
def archive() -> Iterator[Archive]:
    folder = Path(tempfile.mkdtemp(prefix="heritage-browser-"))
    port, upload_port = _free_port(), _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _environment(folder, base_url, upload_port)
    try:
        _manage(env, "migrate", "--no-input")
        # Its own accounts file, so the developer's var/demo-accounts.txt stays as it is.
        loaded = _manage(env, "load_demo_content", "--accounts-file", str(folder / "accounts.txt"))
        accounts = _parse_accounts(loaded.stdout)
        _manage(env, "build_datasets")  # as `make demo` does
        facts = json.loads(
            _manage(env, "shell", "--no-imports", "-c", DEMO_FACTS_SCRIPT).stdout.strip().splitlines()[-1]
        )
        with _serving(env, folder, port):
            yield Archive(base_url=base_url, accounts=accounts, facts=facts, env=env, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def own_archive(archive: Archive) -> Iterator[Archive]:
    """A copy of the demo archive (database and media) with its own server and worker, for
    tests that change what the other browser tests rely on (a withdrawn consent)."""
    folder = Path(tempfile.mkdtemp(prefix="heritage-browser-own-"))
    port, upload_port = _free_port(), _free_port()
    base_url = f"http://127.0.0.1:{port}"
    # The datasets are rebuilt a second after a change rather than a minute.
    env = {**_environment(folder, base_url, upload_port), "DATASETS_REBUILD_DELAY_SECONDS": "1"}
    try:
        source = sqlite3.connect(archive.folder / "db.sqlite3")
        copy = sqlite3.connect(folder / "db.sqlite3")
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
        shutil.copytree(archive.folder / "media", folder / "media")
        with _serving(env, folder, port):
            yield Archive(base_url=base_url, accounts=archive.accounts, facts=archive.facts, env=env, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def s3_archive() -> Iterator[Archive]:
    """The demo archive with every file in a MinIO bucket: the web server, the media worker
    and tusd (its S3 store, under uploads/) all on the AWS_* settings. The demo's recordings
    are left out (--without-audio-video), so nothing is transcoded but what a test uploads."""
    folder = Path(tempfile.mkdtemp(prefix="heritage-browser-s3-"))
    port, upload_port = _free_port(), _free_port()
    base_url = f"http://127.0.0.1:{port}"
    try:
        with running_s3(bucket="heritage-browser") as s3:
            env = {**_environment(folder, base_url, upload_port), **s3.archive_settings()}
            _manage(env, "migrate", "--no-input")
            loaded = _manage(
                env, "load_demo_content", "--without-audio-video", "--accounts-file", str(folder / "accounts.txt")
            )
            accounts = _parse_accounts(loaded.stdout)
            facts = json.loads(
                _manage(env, "shell", "--no-imports", "-c", DEMO_FACTS_SCRIPT).stdout.strip().splitlines()[-1]
            )
            with _serving(env, folder, port, with_media=False):
                yield Archive(base_url=base_url, accounts=accounts, facts=facts, env=env, folder=folder, s3=s3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}; the browser tests need it. "
            "Install it with `make install-test-system` (Debian's chromium package).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Tab:
    """A page in its own browser context, with what the browser console reported."""

    page: Page
    shoot: Callable[[str], Path]
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def csp_reports(self) -> list[str]:
        """CSP violations seen by the console and by the page's own event listener."""
        seen = self.page.evaluate("() => window.__cspViolations || []")
        return self.csp_violations + seen


# Records violations from inside the page too: the console message is Chromium's
# wording, the securitypolicyviolation event is the standard.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""

# The browser asks for /favicon.ico by itself; that request is not the page's doing.
BROWSER_OWN_REQUESTS = ("/favicon.ico",)


def _is_browser_own_request(message: ConsoleMessage) -> bool:
    url = (message.location or {}).get("url", "")
    return url.endswith(BROWSER_OWN_REQUESTS)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shoot(page, step): a full-page screenshot named after the test and the step."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)
    counter = {"n": 0}

    def shoot(page: Page, step: str) -> Path:
        counter["n"] += 1
        step_name = re.sub(r"[^\w.-]+", "_", step)
        path = SCREENSHOT_DIR / f"{test_name}-{counter['n']:02d}-{step_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture
def new_tab(browser: Browser, screenshot) -> Iterator[Callable[..., Tab]]:
    """new_tab(viewport, locale): a page in a fresh browser context (no cookies)."""
    contexts = []

    def open_tab(viewport: dict, locale: str = "vi-VN") -> Tab:
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page=page, shoot=lambda step: screenshot(page, step))

        def on_console(message: ConsoleMessage) -> None:
            text = f"{message.type}: {message.text} ({(message.location or {}).get('url', '')})"
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
                tab.csp_violations.append(text)
            if message.type == "error" and not _is_browser_own_request(message):
                tab.console_errors.append(text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def phone_tab(new_tab) -> Tab:
    return new_tab(PHONE)


@pytest.fixture
def desktop_tab(new_tab) -> Tab:
    return new_tab(DESKTOP)
