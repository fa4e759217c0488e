"""A sensitivity notice before playback, as a visitor's browser meets it: on the entry
page and in the embed player, nothing of the recording (sources, captions, poster,
waveform) is requested until the visitor chooses "Continue"; then it plays, and the
choice holds for the rest of the visit."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Request, expect

from tests.browser.test_public_site import assert_console_clean

pytestmark = pytest.mark.browser

SACRED_ENTRY_SCRIPT = """
import json
from heritage.models import EntryPage
entry = EntryPage.objects.get(notices__code="sacred", locale__language_code="vi").specific
print(json.dumps({"url": entry.url, "key": str(entry.translation_key)}))
"""
ADDRESSES = re.compile(r'(?:src|poster|data-poster|data-peaks-url)="([^"]+)"')


def held_addresses(page_or_frame) -> set[str]:
    """The paths the waiting player would fetch, read from its <noscript>."""
    held = page_or_frame.evaluate(
        "() => [...document.querySelectorAll('noscript.notice-held')].map((n) => n.textContent).join(' ')"
    )
    paths = {urlsplit(address.replace("&amp;", "&")).path for address in ADDRESSES.findall(held)}
    assert paths, "the player waits behind the notice"
    return paths


def media_requests(requests: list[Request], paths: set[str]) -> list[str]:
    return [r.url for r in requests if r.resource_type == "media" or urlsplit(r.url).path in paths]


def play_muted(player) -> None:
    player.evaluate("(e) => { e.muted = true; return e.play(); }")
    player.page.wait_for_function("(e) => e.currentTime > 0.3", arg=player.element_handle(), timeout=15_000)


@pytest.mark.parametrize("where", ["entry page", "embed"])
def test_nothing_of_the_recording_loads_before_continue_and_the_choice_holds_for_the_visit(archive, new_tab, where):
    entry = archive.query(SACRED_ENTRY_SCRIPT)
    address = archive.url(entry["url"] if where == "entry page" else f"/embed/{entry['key']}/?lang=en")
    tab = new_tab({"width": 390, "height": 844}, locale="en-GB" if where == "embed" else "vi-VN")
    page = tab.page
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(address)
    page.wait_for_load_state("networkidle")

    continue_button = page.locator(".notice-continue").first
    expect(continue_button).to_be_visible()
    notice = "Sacred: shown with the community's permission" if where == "embed" else "Thiêng: được chia sẻ"
    expect(page.locator(".sensitivity-notices").first).to_contain_text(notice)
    expect(page.locator("main video, main audio")).to_have_count(0)
    paths = held_addresses(page)
    assert media_requests(requests, paths) == []
    tab.shoot(f"notice-{where.replace(' ', '-')}-before-continue")

    continue_button.click()
    player = page.locator("main video, main audio").first
    expect(player).to_be_attached()
    expect(continue_button).to_be_hidden()
    play_muted(player)
    assert media_requests(requests, paths), "the recording loads once the visitor continues"
    tab.shoot(f"notice-{where.replace(' ', '-')}-after-continue")

    # The same visit: asked no more, the player is there at once (sessionStorage).
    page.reload()
    expect(page.locator("main video, main audio").first).to_be_attached()
    expect(page.locator(".notice-continue").first).to_be_hidden()
    if where == "embed":
        # A new visit (another browser context) is asked again.
        fresh = new_tab({"width": 390, "height": 844}).page
        fresh.goto(address)
        expect(fresh.locator(".notice-continue").first).to_be_visible()
        expect(fresh.locator("main video, main audio")).to_have_count(0)
        assert fresh.context.cookies() == []
    assert_console_clean(tab)
