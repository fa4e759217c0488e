"""An outside IIIF viewer (Clover IIIF, from npm) on another origin plays an entry's
manifest with its captions: the manifest, its renditions and caption tracks are read
across origins, as another institution's viewer would read them. The viewer is installed
and bundled here for the test only (tests/browser/iiif_viewer/), never served by the archive."""

import json
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_embeds import entry_key, play_muted
from tests.browser.test_public_site import public_entry_with

pytestmark = pytest.mark.browser

VIEWER_DIR = Path(__file__).resolve().parent / "iiif_viewer"
BUILD_DIR = VIEWER_DIR / "build"
# Another address on the loopback: another origin and another site, as another institution's would be.
VIEWER_HOST = "127.0.0.2"
NPM_TIMEOUT = 600


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def viewer_origin() -> Iterator[str]:
    """Installs the viewer from its lock file, bundles it, and serves it from another origin."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VIEWER_DIR, check=True, timeout=NPM_TIMEOUT)
    BUILD_DIR.mkdir(exist_ok=True)
    subprocess.run(
        [
            str(VIEWER_DIR / "node_modules" / ".bin" / "esbuild"),
            "viewer.js",
            "--bundle",
            "--format=iife",
            "--minify",
            "--define:process.env.NODE_ENV='production'".replace("'", '"'),
            f"--outdir={BUILD_DIR}",
            "--log-level=warning",
        ],
        cwd=VIEWER_DIR,
        check=True,
        timeout=NPM_TIMEOUT,
    )
    (BUILD_DIR / "index.html").write_text((VIEWER_DIR / "index.html").read_text())
    server = ThreadingHTTPServer((VIEWER_HOST, 0), partial(_Quiet, directory=str(BUILD_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{VIEWER_HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def manifest_of(archive, entry: dict) -> tuple[str, dict]:
    url = archive.url(f"/iiif/{entry_key(archive, entry)}/manifest.json")
    with urllib.request.urlopen(url, timeout=30) as response:
        return url, json.loads(response.read())


def test_an_outside_viewer_on_another_origin_plays_a_manifest_with_captions(archive, viewer_origin, new_tab):
    entry = public_entry_with(archive, "video")
    url, manifest = manifest_of(archive, entry)
    canvas = manifest["items"][0]
    caption_urls = sorted(annotation["body"]["id"] for annotation in canvas["annotations"][0]["items"])
    assert len(caption_urls) >= 2

    tab = new_tab({"width": 1280, "height": 900}, locale="en-GB")
    page = tab.page
    cross_origin_failures: list[str] = []
    page.on("requestfailed", lambda request: cross_origin_failures.append(f"{request.url} {request.failure}"))
    page.goto(f"{viewer_origin}/index.html?manifest={quote(url, safe='')}")
    assert urlsplit(page.url).netloc != urlsplit(archive.base_url).netloc

    # The viewer read the manifest across origins: its label is shown.
    expect(page.get_by_text(manifest["label"]["en"][0]).first).to_be_visible(timeout=30_000)
    video = page.locator("video").first
    expect(video).to_be_attached(timeout=30_000)
    tracks = video.evaluate("(e) => [...e.querySelectorAll('track')].map((t) => t.src).sort()")
    assert tracks == caption_urls

    play_muted(page.main_frame, "video")
    page.wait_for_function("(e) => e.currentTime > 0.5", arg=video.element_handle(), timeout=30_000)
    source = video.evaluate("(e) => e.currentSrc")
    assert source.startswith(("blob:", archive.base_url)), source  # hls.js plays through a blob URL

    # The captions are shown: the browser loaded a track's cues from the archive and shows them.
    page.evaluate("() => { const v = document.querySelector('video'); v.textTracks[0].mode = 'showing'; }")
    page.wait_for_function(
        "(e) => [...e.textTracks].some((t) => t.mode === 'showing' && t.cues && t.cues.length > 0)",
        arg=video.element_handle(),
        timeout=20_000,
    )
    first_cue = video.evaluate("(e) => [...e.textTracks].find((t) => t.mode === 'showing').cues[0].text")
    assert first_cue.strip()
    tab.shoot("outside-iiif-viewer-playing")
    assert not [failure for failure in cross_origin_failures if archive.base_url in failure], cross_origin_failures


def test_a_restricted_entry_has_no_manifest_for_an_outside_viewer(archive):
    hidden = archive.entries_where(lambda entry: entry["access"] == "restricted" and entry["media"])
    assert hidden
    with pytest.raises(urllib.error.HTTPError) as refused:
        manifest_of(archive, hidden[0])
    assert refused.value.code == 404
    url, manifest = manifest_of(archive, public_entry_with(archive, "video"))  # positive control
    assert manifest["type"] == "Manifest"
