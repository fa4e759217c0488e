"""A school's page on another origin embeds demo recordings through the oEmbed answer's
HTML: they play, offer their caption tracks, set no cookies and load nothing from
elsewhere; a restricted entry does not embed. A teacher on a phone opens the Embed dialog."""

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Frame, expect

from tests.browser.test_public_site import assert_console_clean, public_entry_with

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
# Another address on the loopback: another origin and another site, as a school's would be.
SCHOOL_HOST = "127.0.0.2"


class SchoolSite:
    """A tiny web server on another origin serving the pages a teacher would write."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((SCHOOL_HOST, 0), Handler)
        self.origin = f"http://{SCHOOL_HOST}:{self.server.server_address[1]}"

    def publish(self, path: str, body_html: str) -> str:
        self.pages[path] = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Lớp 7A</title></head>'
            f"<body><h1>Bài học: âm nhạc các dân tộc</h1>{body_html}<p>Bài tập: nghe và ghi lại.</p></body></html>"
        )
        return self.origin + path


@pytest.fixture(scope="module")
def school() -> Iterator[SchoolSite]:
    site = SchoolSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def oembed(archive, url: str, **params) -> tuple[int, dict]:
    address = archive.url("/oembed/?" + urlencode({"url": url, **params}))
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def embed_frame(page) -> Frame:
    frame = page.locator("iframe").element_handle().content_frame()
    assert frame is not None, "The iframe has no document"
    frame.wait_for_load_state()
    return frame


def play_muted(frame: Frame, selector: str) -> None:
    """Muted, so that the browser's autoplay policy lets a script start it."""
    outcome = frame.locator(selector).evaluate(
        """async (element) => {
            element.muted = true;
            try { await element.play(); return "playing"; }
            catch (error) { return `${error.name}: ${error.message}`; }
        }"""
    )
    assert outcome == "playing", outcome


def entry_key(archive, entry: dict) -> str:
    return archive.query(
        f"import json; from heritage.models import EntryPage; "
        f"print(json.dumps(str(EntryPage.objects.get(pk={entry['id']}).translation_key)))"
    )


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_a_school_page_embeds_a_recording_that_plays_with_its_captions(archive, school, new_tab, kind):
    entry = public_entry_with(archive, kind)
    status, answer = oembed(archive, archive.url(entry["url"]), maxwidth=360)
    assert status == 200
    assert answer["type"] == ("video" if kind == "video" else "rich")
    assert answer["width"] <= 360
    tab = new_tab(SMALL_PHONE)
    page = tab.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(school.publish(f"/lesson-{kind}.html", answer["html"]))
    frame = embed_frame(page)
    assert urlsplit(frame.url).netloc == urlsplit(archive.base_url).netloc

    player = frame.locator(kind)
    expect(player).to_be_attached()
    languages = player.evaluate("(e) => [...e.querySelectorAll('track')].map((t) => t.srclang).sort()")
    assert languages == ["en", "vi"]
    assert player.evaluate("(e) => e.textTracks.length") == 2
    expect(frame.locator(".credit a[target=_blank]").first).to_be_visible()

    play_muted(frame, kind)
    frame.wait_for_function("(e) => e.currentTime > 0.5", arg=player.element_handle(), timeout=15_000)
    before = player.evaluate("(e) => e.currentTime")
    frame.wait_for_function(f"(e) => e.currentTime > {before}", arg=player.element_handle(), timeout=10_000)
    # The captions shown at first (the page's language) were fetched inside the other site's frame.
    frame.wait_for_function(
        "(e) => [...e.textTracks].some((t) => t.mode !== 'disabled' && t.cues && t.cues.length > 0)",
        arg=player.element_handle(),
    )
    tab.shoot(f"school-page-{kind}-playing")

    # The frame fits a small phone without sideways scrolling.
    assert frame.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    # No cookies from the archive, nothing from third parties.
    assert page.context.cookies() == []
    allowed = {urlsplit(archive.base_url).netloc, urlsplit(school.origin).netloc}
    assert {urlsplit(url).netloc for url in requests if url.startswith("http")} <= allowed, requests
    assert_console_clean(tab)


def test_a_restricted_entry_does_not_embed(archive, school, new_tab):
    entry = archive.entries_where(lambda entry: entry["access"] == "restricted")[0]
    status, _answer = oembed(archive, archive.url(entry["url"]))
    assert status == 404
    key = entry_key(archive, entry)
    tab = new_tab(SMALL_PHONE)
    page = tab.page
    page.goto(
        school.publish(
            "/restricted.html", f'<iframe src="{archive.url(f"/embed/{key}/")}" width="340" height="220"></iframe>'
        )
    )
    frame = embed_frame(page)
    expect(frame.locator(".embed-title")).to_be_visible()
    assert frame.locator("audio, video").count() == 0
    assert entry["title"] not in frame.locator("body").inner_text()
    tab.shoot("restricted-not-available")


def test_the_embed_starts_at_t_and_follows_the_transcript(archive, new_tab):
    entry = archive.entries_where(
        lambda entry: (
            entry["access"] == "public"
            and any(media["kind"] == "video" and len(media["transcript"].splitlines()) > 1 for media in entry["media"])
        )
    )[0]
    key = entry_key(archive, entry)
    tab = new_tab({"width": 360, "height": 420})
    page = tab.page
    page.goto(archive.url(f"/embed/{key}/?t=1&transcript=1&captions=en"))
    if entry["notices"]:
        # Behind a sensitivity notice the player appears on "Continue", and still starts at t.
        page.locator(".notice-continue").click()
    video = page.locator("video")
    page.wait_for_function(
        "(e) => e.readyState >= 1 && Math.abs(e.currentTime - 1) < 0.5", arg=video.element_handle(), timeout=15_000
    )
    lines = page.locator(".embed-transcript button")
    assert lines.count() >= 2
    second_start = float(lines.nth(1).get_attribute("data-start"))
    page.evaluate("() => { document.querySelector('video').muted = true; }")
    lines.nth(1).click()
    page.wait_for_function(f"(e) => e.currentTime >= {second_start}", arg=video.element_handle(), timeout=15_000)
    expect(lines.nth(1)).to_have_attribute("aria-current", "true")
    tab.shoot("embed-phone-transcript")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.context.cookies() == []
    assert_console_clean(tab)


def test_the_entry_page_player_starts_at_t(archive, phone_tab):
    entry = public_entry_with(archive, "audio")
    page = phone_tab.page
    page.goto(archive.url(entry["url"] + "?t=2"))
    player = page.locator("main audio").first
    page.wait_for_function(
        "(e) => e.readyState >= 1 && Math.abs(e.currentTime - 2) < 0.5", arg=player.element_handle(), timeout=15_000
    )
    assert_console_clean(phone_tab)


def test_a_teacher_copies_the_embed_code_on_a_phone(archive, new_tab):
    entry = public_entry_with(archive, "video")
    tab = new_tab(SMALL_PHONE)
    page = tab.page
    page.goto(archive.url(entry["url"]))
    button = page.locator("[data-embed-dialog]")
    expect(button).to_be_visible()
    button.click()
    dialog = page.locator("dialog.embed-dialog")
    expect(dialog).to_be_visible()
    code = dialog.locator("textarea")
    expect(code).to_have_value(re.compile(r'^<iframe src="http://[^"]+/embed/[0-9a-f-]+/\?lang=vi"'))

    dialog.locator("input[name=t]").fill("0:03")
    dialog.locator("select[name=captions]").select_option("en")
    dialog.locator("input[name=transcript]").check()
    expect(code).to_have_value(re.compile(r"\?lang=vi&amp;t=3&amp;captions=en&amp;transcript=1"))
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"]
    tab.shoot("embed-dialog-phone")

    # The code is what a school page would paste: it embeds and starts at 0:03.
    src = re.search(r'src="([^"]+)"', code.input_value()).group(1).replace("&amp;", "&")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    page.goto(src)
    page.wait_for_function(
        "(e) => e.readyState >= 1 && Math.abs(e.currentTime - 3) < 0.5",
        arg=page.locator("video").element_handle(),
        timeout=15_000,
    )
    expect(page.locator("track[srclang=en]")).to_have_attribute("default", "")
    expect(page.locator(".embed-transcript")).to_be_visible()
    tab.shoot("embed-from-dialog-code")
    assert_console_clean(tab)
