"""Video on phones: embeds and entry pages fetch nothing of a recording before play (the
poster only) and an embed's first load stays under 60 KB; "Audio only" stops the video
download and keeps the position; browsers without native HLS get hls.js on play only.
Timing on a slow link is measured in bench/mobile_video.py, not here."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_embeds import entry_key
from tests.browser.test_public_site import assert_console_clean

pytestmark = pytest.mark.browser

MEDIA_PATH = re.compile(r"\.(m3u8|ts|m4s|mp4|m4a|mp3)$")
FIRST_LOAD_BUDGET = 60 * 1024
# Makes Chromium answer like a browser without its own HLS (Firefox), so the page takes
# the hls.js path.
NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""

# Records the position at every timeupdate once the player plays again; returns the
# position now.
RECORD_TIMES_AFTER_RESUMING = """(video) => {
  window.__afterSwitch = [];
  video.addEventListener("playing", () => {
    video.addEventListener("timeupdate", () => window.__afterSwitch.push(video.currentTime));
  }, { once: true });
  return video.currentTime;
}"""


def video_entry(archive) -> dict:
    """A public entry whose first recording is a video, with no sensitivity notice."""
    candidates = archive.entries_where(
        lambda entry: (
            entry["access"] == "public"
            and not entry["notices"]
            and entry["media"]
            and entry["media"][0]["kind"] == "video"
        )
    )
    assert candidates, "The demo content has no public video entry without a notice"
    return candidates[0]


class Traffic:
    """Every request a page makes, with the bytes each response took on the wire."""

    def __init__(self, page: Page) -> None:
        self.finished: list[tuple[str, int]] = []
        self.requested: list[str] = []
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        sizes = request.sizes()
        self.finished.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    def media(self, since: int = 0) -> list[str]:
        return [url for url in self.requested[since:] if MEDIA_PATH.search(urlsplit(url).path)]

    def total_bytes(self) -> int:
        return sum(size for _, size in self.finished)


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # a late preload would show by now


def play_muted(page: Page, video) -> None:
    page.evaluate("(video) => { video.muted = true; }", video.element_handle())
    # As the player's own button does: where hls.js takes over on play, the first play()
    # is superseded by the one hls.js makes once the stream is attached.
    video.evaluate("(video) => { video.play().catch(() => {}); }")
    page.wait_for_function("(video) => video.currentTime > 0.5", arg=video.element_handle(), timeout=30_000)


def test_an_embed_fetches_only_its_poster_before_play_and_stays_under_60_kb(archive, new_tab):
    entry = video_entry(archive)
    tab = new_tab({"width": 360, "height": 420})
    page = tab.page
    traffic = Traffic(page)
    page.goto(archive.url(f"/embed/{entry_key(archive, entry)}/"))
    settle(page)
    assert traffic.media() == [], traffic.media()
    assert any("poster" in url for url in traffic.requested), traffic.requested
    assert traffic.total_bytes() <= FIRST_LOAD_BUDGET, traffic.finished
    # Positive control: play does fetch the stream, starting with the master playlist.
    video = page.locator("video")
    play_muted(page, video)
    assert traffic.media() and traffic.media()[0].endswith("master.m3u8"), traffic.media()
    assert_console_clean(tab)


def test_an_entry_page_fetches_no_media_before_play(archive, phone_tab):
    entry = video_entry(archive)
    page = phone_tab.page
    traffic = Traffic(page)
    page.goto(archive.url(entry["url"]))
    settle(page)
    assert traffic.media() == [], traffic.media()
    assert not [url for url in traffic.requested if "hls.light" in url]
    play_muted(page, page.locator("main video").first)
    assert traffic.media(), "playing fetched nothing"
    assert_console_clean(phone_tab)


@pytest.mark.parametrize("native_hls", [True, False], ids=["native-hls", "hls.js"])
def test_audio_only_stops_the_video_download_and_keeps_the_position(archive, new_tab, native_hls):
    entry = video_entry(archive)
    tab = new_tab({"width": 360, "height": 420}, locale="vi-VN")
    page = tab.page
    if not native_hls:
        page.add_init_script(NO_NATIVE_HLS)
    traffic = Traffic(page)
    page.goto(archive.url(f"/embed/{entry_key(archive, entry)}/"))
    settle(page)
    assert not [url for url in traffic.requested if "hls.light" in url], "hls.js before play"
    video = page.locator("video")
    switch = page.get_by_role("button", name="Chỉ nghe")
    expect(switch).to_be_visible()
    expect(switch).to_have_attribute("aria-pressed", "false")
    play_muted(page, video)
    assert bool([url for url in traffic.requested if "hls.light" in url]) is not native_hls
    video_segments = [url for url in traffic.media() if re.search(r"/\d+p/segment_\d+\.ts$", url)]
    assert video_segments, traffic.media()  # positive control: video was being fetched

    # The demo clips last 6 s: switch early enough to hear some of the rest.
    page.wait_for_function("(video) => video.currentTime > 1", arg=video.element_handle(), timeout=30_000)
    before = video.evaluate(RECORD_TIMES_AFTER_RESUMING)
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        f"(video) => !video.paused && video.currentTime > {before} + 0.5", arg=video.element_handle(), timeout=30_000
    )
    # It went on from where it was, not from the start.
    times = page.evaluate("() => window.__afterSwitch")
    assert times and min(times) >= before - 0.5, (before, times)
    mark = len(traffic.requested)
    page.wait_for_function(
        f"(video) => video.ended || video.currentTime > {before} + 2", arg=video.element_handle(), timeout=30_000
    )
    after_switch = traffic.media(since=mark)
    assert not [url for url in after_switch if re.search(r"/\d+p/", url)], after_switch
    assert [url for url in traffic.media() if "/audio/" in url], traffic.media()
    assert video.evaluate("(video) => video.videoWidth") == 0  # sound only: no picture decoded
    tab.shoot("audio-only-" + ("native" if native_hls else "hlsjs"))

    switch.click()  # and back to the picture
    expect(switch).to_have_attribute("aria-pressed", "false")
    video.evaluate("(video) => { if (video.paused) video.play(); }")
    # The picture is back (Chromium may take the rung's segments from its media cache).
    page.wait_for_function("(video) => video.videoWidth > 0", arg=video.element_handle(), timeout=30_000)
    assert_console_clean(tab)


def test_without_native_hls_nothing_is_fetched_before_play_and_an_embed_starts_at_t(archive, new_tab):
    """Where hls.js plays (Firefox), the page's MP4 and HLS sources are set aside before
    play: otherwise play starts downloading one of them beside hls.js on the same slow
    link. The embed's start time must survive that."""
    entry = video_entry(archive)
    tab = new_tab({"width": 360, "height": 420})
    page = tab.page
    page.add_init_script(NO_NATIVE_HLS)
    traffic = Traffic(page)
    page.goto(archive.url(f"/embed/{entry_key(archive, entry)}/?t=2"))
    settle(page)
    video = page.locator("video")
    assert video.evaluate("(video) => video.querySelectorAll('source').length") == 0
    mark = len(traffic.requested)
    play_muted(page, video)
    after_play = traffic.media(since=mark)
    assert [url for url in traffic.requested[mark:] if "hls.light" in url], "hls.js was not fetched"
    # Only HLS requests, and none of them by the browser's own player for the page's
    # <source> (which would be the master playlist fetched as a document's media).
    assert after_play and not [url for url in after_play if url.endswith(".mp4")], after_play
    position = video.evaluate("(video) => video.currentTime")
    assert position >= 1.5, position  # it went on from ?t=2, not from the start
    assert_console_clean(tab)
